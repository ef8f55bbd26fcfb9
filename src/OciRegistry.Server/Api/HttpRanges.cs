using System.Globalization;

namespace OciRegistry.Api;

/// <summary>Parsing of the <c>Range</c> (blob reads) and <c>Content-Range</c> (upload chunks) headers.</summary>
internal static class HttpRanges
{
    /// <summary>
    /// Parses a single-range <c>Range: bytes=...</c> header against a blob of <paramref name="length"/> bytes.
    /// </summary>
    /// <returns>
    /// <c>null</c> to serve the whole blob (no header, or one we do not honour such as several ranges);
    /// a range with <c>Satisfiable = false</c> when it lies outside the blob.
    /// </returns>
    public static ByteRange? ParseRange(string? header, long length)
    {
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var spec = header["bytes=".Length..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return null;
        }

        var startText = spec[..dash].Trim();
        var endText = spec[(dash + 1)..].Trim();
        if (startText.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!TryParseNumber(endText, out var suffix) || suffix == 0)
            {
                return suffix == 0 && endText.Length > 0 ? ByteRange.Unsatisfiable : null;
            }

            return length == 0 ? ByteRange.Unsatisfiable : new ByteRange(Math.Max(0, length - suffix), Math.Min(suffix, length), true);
        }

        if (!TryParseNumber(startText, out var start))
        {
            return null;
        }

        long end = length - 1;
        if (endText.Length > 0)
        {
            if (!TryParseNumber(endText, out end) || end < start)
            {
                return null;
            }
        }

        if (start >= length)
        {
            return ByteRange.Unsatisfiable;
        }

        end = Math.Min(end, length - 1);
        return new ByteRange(start, end - start + 1, true);
    }

    /// <summary>Parses an upload's <c>Content-Range: start-end</c> (also accepting a <c>bytes </c>/<c>bytes=</c> prefix).</summary>
    public static bool TryParseContentRange(string? header, out long start, out long end)
    {
        start = end = 0;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var spec = header.Trim();
        if (spec.StartsWith("bytes", StringComparison.OrdinalIgnoreCase))
        {
            spec = spec[5..].TrimStart(' ', '=');
        }

        var slash = spec.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            spec = spec[..slash];
        }

        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && TryParseNumber(spec[..dash], out start) && TryParseNumber(spec[(dash + 1)..], out end) && end >= start;
    }

    private static bool TryParseNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

/// <summary>A byte range of a blob.</summary>
internal sealed record ByteRange(long Start, long Length, bool Satisfiable)
{
    public static readonly ByteRange Unsatisfiable = new(0, 0, false);
}
