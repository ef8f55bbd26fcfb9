using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OciRegistry.Content;

/// <summary>A tag: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
public readonly partial record struct Tag
{
    private Tag(string value) => Value = value;

    /// <summary>The tag.</summary>
    public string Value { get; }

    /// <summary>Parses <paramref name="value"/>; returns <c>false</c> when it is outside the grammar.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Tag tag)
    {
        tag = default;
        if (value is null || !Grammar().IsMatch(value))
        {
            return false;
        }

        tag = new Tag(value);
        return true;
    }

    /// <summary>Parses <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">The value is outside the grammar.</exception>
    public static Tag Parse(string value) =>
        TryParse(value, out var tag) ? tag : throw new FormatException($"'{value}' is not a valid tag.");

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
