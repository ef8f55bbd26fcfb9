namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// A YAML mapping, in the order written. Keys are compared exactly, as the Go registry's YAML parser does
/// (<c>rootDirectory</c> is not <c>rootdirectory</c>); environment overrides find keys ignoring case.
/// </summary>
internal sealed class GoConfigMapping(string origin) : GoConfigNode(origin)
{
    private readonly List<KeyValuePair<string, GoConfigNode>> entries = [];

    public IReadOnlyList<KeyValuePair<string, GoConfigNode>> Entries => entries;

    public GoConfigNode? this[string key] => entries.FirstOrDefault(entry => entry.Key == key).Value;

    /// <summary>The key as written that equals <paramref name="key"/> ignoring case, if any.</summary>
    public string? FindKeyIgnoringCase(string key) =>
        entries.Select(entry => entry.Key).FirstOrDefault(existing => string.Equals(existing, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds the key, or replaces its value where it is.</summary>
    public void Set(string key, GoConfigNode value)
    {
        var index = entries.FindIndex(entry => entry.Key == key);
        if (index >= 0)
        {
            entries[index] = new(key, value);
        }
        else
        {
            entries.Add(new(key, value));
        }
    }
}
