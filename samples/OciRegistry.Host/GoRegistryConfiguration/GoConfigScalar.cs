namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>A scalar: its text as written, or <c>null</c> for YAML's null (<c>~</c>, <c>null</c>, nothing).</summary>
internal sealed class GoConfigScalar(string? value, string origin) : GoConfigNode(origin)
{
    public string? Value { get; } = value;
}
