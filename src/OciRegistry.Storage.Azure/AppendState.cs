using System.Globalization;
using System.Text;

namespace OciRegistry.Storage.Azure;

/// <summary>
/// What an unfinished append consists of: the runs of blocks staged (uncommitted) on the target blob by each
/// successful append call, in order. It is kept in a small blob of its own and replaced with an ETag condition
/// after each append, so it is the one truth every driver instance reads and two appenders cannot both win.
/// </summary>
internal sealed class AppendState
{
    private const string Header = "ociregistry-append 1";
    private const string SealedLine = "sealed";

    private readonly List<Segment> _segments;

    private AppendState(List<Segment> segments, bool sealed_)
    {
        _segments = segments;
        IsSealed = sealed_;
    }

    /// <summary>One append call's blocks: <c>Count</c> blocks named after <c>Token</c>, <c>Length</c> bytes in all.</summary>
    internal readonly record struct Segment(string Token, int Count, long Length);

    /// <summary>An append with no bytes yet.</summary>
    public static AppendState Empty() => new([], sealed_: false);

    /// <summary>Set once completion started: further appends are refused.</summary>
    public bool IsSealed { get; private set; }

    /// <summary>How many bytes were appended.</summary>
    public long Length => _segments.Sum(s => s.Length);

    /// <summary>The ids of every block, in order: what the target blob's block list becomes at completion.</summary>
    public IEnumerable<string> AllBlockIds() =>
        _segments.SelectMany(s => Enumerable.Range(0, s.Count).Select(i => BlockIds.For(s.Token, i)));

    public void Add(Segment segment)
    {
        if (segment.Count > 0)
        {
            _segments.Add(segment);
        }
    }

    public void Seal() => IsSealed = true;

    public BinaryData Serialize()
    {
        var text = new StringBuilder().Append(Header).Append('\n');
        if (IsSealed)
        {
            text.Append(SealedLine).Append('\n');
        }

        foreach (var segment in _segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"{segment.Token} {segment.Count} {segment.Length}\n");
        }

        return BinaryData.FromString(text.ToString());
    }

    /// <exception cref="FormatException">The content is not an append state.</exception>
    public static AppendState Parse(BinaryData content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lines = content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new FormatException("Not an append state of this driver.");
        }

        var segments = new List<Segment>();
        var isSealed = false;
        foreach (var line in lines.Skip(1))
        {
            if (line == SealedLine)
            {
                isSealed = true;
                continue;
            }

            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0].Length != 32 ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) ||
                !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new FormatException($"Malformed append state line '{line}'.");
            }

            segments.Add(new Segment(parts[0], count, length));
        }

        return new AppendState(segments, isSealed);
    }
}
