namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>A YAML sequence.</summary>
internal sealed class GoConfigSequence(string origin) : GoConfigNode(origin)
{
    public List<GoConfigNode> Items { get; } = [];
}
