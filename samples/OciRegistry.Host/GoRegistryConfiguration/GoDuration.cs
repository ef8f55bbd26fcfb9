using System.Globalization;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Go's duration syntax (<c>time.ParseDuration</c>): <c>300ms</c>, <c>10s</c>, <c>1h30m</c>, <c>168h</c>.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Parses a Go duration; a bare whole number counts nanoseconds, as when YAML gives Go an integer.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var rest = text.Trim();
        if (long.TryParse(rest, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nanoseconds))
        {
            value = TimeSpan.FromTicks(nanoseconds / 100);
            return true;
        }

        var negative = rest.StartsWith('-');
        rest = rest.TrimStart('-', '+');
        if (rest.Length == 0)
        {
            return false;
        }

        double ticks = 0;
        while (rest.Length > 0)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            rest = rest[numberLength..];
            // Longest unit first: "ms" before "m" and "s".
            var unit = Units.Where(candidate => rest.StartsWith(candidate.Unit, StringComparison.Ordinal)).OrderByDescending(candidate => candidate.Unit.Length).FirstOrDefault();
            if (unit.Unit is null)
            {
                return false;
            }

            ticks += number * unit.Ticks;
            rest = rest[unit.Unit.Length..];
        }

        value = TimeSpan.FromTicks((long)Math.Round(negative ? -ticks : ticks));
        return true;
    }
}
