namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Something to tell about one key of a Go registry configuration.</summary>
/// <param name="Severity">Note, warning or error.</param>
/// <param name="Key">The key, dotted as in the file (<c>storage.s3.encrypt</c>).</param>
/// <param name="Origin">Where it was set: a line of the file or an environment variable.</param>
/// <param name="Message">What this host does with it.</param>
internal sealed record GoRegistryConfigurationFinding(GoRegistryFindingSeverity Severity, string Key, string Origin, string Message)
{
    public override string ToString() => $"{Key} ({Origin}): {Message}";
}
