using System.Globalization;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// Reads one mapping of a Go registry configuration, keeping track of the keys read, so that every key nobody read
/// is reported (<see cref="ReportUnread"/>) rather than silently ignored.
/// </summary>
internal sealed class GoConfigSection(GoConfigMapping mapping, string path, ICollection<GoRegistryConfigurationFinding> findings)
{
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    /// <summary>The dotted path of this mapping (<c>storage.s3</c>); empty at the top.</summary>
    public string Path { get; } = path;

    public string Origin => mapping.Origin;

    public ICollection<GoRegistryConfigurationFinding> Findings { get; } = findings;

    public IEnumerable<string> Keys => mapping.Entries.Select(entry => entry.Key);

    public bool Has(string key) => mapping[key] is not null and not GoConfigScalar { Value: null };

    /// <summary>The dotted name of a key of this mapping.</summary>
    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public string OriginOf(string key) => mapping[key]?.Origin ?? mapping.Origin;

    /// <summary>The node of a key (marked as read), or <c>null</c> when absent or null.</summary>
    public GoConfigNode? Node(string key)
    {
        read.Add(key);
        var node = mapping[key];
        return node is GoConfigScalar { Value: null } ? null : node;
    }

    /// <summary>A scalar's text; a list or mapping where text is expected is an error.</summary>
    public string? String(string key)
    {
        switch (Node(key))
        {
            case null:
                return null;
            case GoConfigScalar scalar:
                return scalar.Value;
            default:
                Error(key, "must be a single value, not a list or a mapping.");
                return null;
        }
    }

    /// <summary>A boolean, written as YAML (<c>true</c>, <c>yes</c>, <c>on</c>) or Go (<c>1</c>, <c>t</c>) writes it.</summary>
    public bool? Bool(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "on" or "t" or "1":
                return true;
            case "false" or "no" or "n" or "off" or "f" or "0":
                return false;
            default:
                Error(key, $"must be true or false, not '{text}'.");
                return null;
        }
    }

    public long? Integer(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(key, $"must be a whole number, not '{text}'.");
        return null;
    }

    /// <summary>A Go duration (<c>168h</c>, <c>1h30m</c>, <c>10s</c>), or a number of nanoseconds.</summary>
    public TimeSpan? Duration(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (GoDuration.TryParse(text, out var value))
        {
            return value;
        }

        Error(key, $"must be a duration such as 10s, 5m or 168h, not '{text}'.");
        return null;
    }

    /// <summary>A nested mapping; absent or null is an empty one. A scalar or list there is an error.</summary>
    public GoConfigSection? Section(string key)
    {
        var node = Node(key);
        switch (node)
        {
            case null:
                return null;
            case GoConfigMapping nested:
                return new GoConfigSection(nested, KeyPath(key), Findings);
            default:
                Error(key, "must be a mapping of keys to values.");
                return null;
        }
    }

    /// <summary>Reports a key, when present, with the given severity, and marks it as read.</summary>
    public void Report(string key, GoRegistryFindingSeverity severity, string message)
    {
        read.Add(key);
        if (mapping[key] is { } node)
        {
            Findings.Add(new(severity, KeyPath(key), node.Origin, message));
        }
    }

    public void Error(string key, string message) =>
        Findings.Add(new(GoRegistryFindingSeverity.Error, KeyPath(key), OriginOf(key), message));

    /// <summary>Warns about every key of this mapping nobody read: this host does not know it, and ignores it.</summary>
    public void ReportUnread(string? reason = null)
    {
        foreach (var (key, node) in mapping.Entries.Where(entry => !read.Contains(entry.Key)))
        {
            Findings.Add(new(GoRegistryFindingSeverity.Warning, KeyPath(key), node.Origin, reason ?? "not supported by this registry; ignored."));
        }
    }
}
