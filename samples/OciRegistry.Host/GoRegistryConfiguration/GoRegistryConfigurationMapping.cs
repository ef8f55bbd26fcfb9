namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>What a Go registry configuration means for this host: its settings, and what to tell about the rest.</summary>
/// <param name="Settings">Host configuration keys (<c>OciRegistry:Storage:Driver</c>, <c>urls</c>, ...) and values.</param>
/// <param name="Findings">Keys accepted with another meaning, ignored, or refused.</param>
internal sealed record GoRegistryConfigurationMapping(IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<GoRegistryConfigurationFinding> Findings)
{
    public IEnumerable<GoRegistryConfigurationFinding> Errors => Findings.Where(finding => finding.Severity == GoRegistryFindingSeverity.Error);
}
