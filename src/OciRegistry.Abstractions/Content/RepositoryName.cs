using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OciRegistry.Content;

/// <summary>
/// A repository name as the distribution spec defines it: one or more <c>/</c>-separated components of
/// lowercase letters and digits, joined inside a component by <c>.</c>, <c>_</c>, <c>__</c> or dashes.
/// </summary>
public readonly partial record struct RepositoryName
{
    /// <summary>Longest accepted name, as in distribution (a name plus a host must fit 255 characters).</summary>
    public const int MaxLength = 255;

    private RepositoryName(string value) => Value = value;

    /// <summary>The name.</summary>
    public string Value { get; }

    /// <summary>Parses <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">The value is outside the grammar.</exception>
    public static RepositoryName Parse(string value) =>
        TryParse(value, out var name) ? name : throw new FormatException($"'{value}' is not a valid repository name.");

    /// <summary>Parses <paramref name="value"/>; returns <c>false</c> when it is outside the grammar.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out RepositoryName name)
    {
        name = default;
        if (value is null || value.Length == 0 || value.Length > MaxLength || !Grammar().IsMatch(value))
        {
            return false;
        }

        name = new RepositoryName(value);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
