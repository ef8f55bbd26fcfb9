namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>How much a Go registry setting this host does not honour as written matters.</summary>
internal enum GoRegistryFindingSeverity
{
    /// <summary>Accepted, with a meaning that differs from the Go registry's (logged at start).</summary>
    Note,

    /// <summary>Ignored (logged at start as a warning).</summary>
    Warning,

    /// <summary>Ignoring it would be unsafe: the host refuses to start.</summary>
    Error,
}
