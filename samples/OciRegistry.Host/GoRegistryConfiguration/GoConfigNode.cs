namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// A value of a Go registry configuration: a mapping, a sequence or a scalar, with where it was written (a line of
/// the file, or a <c>REGISTRY_*</c> environment variable) so that messages can point at it.
/// </summary>
internal abstract class GoConfigNode(string origin)
{
    /// <summary>Where the value comes from, for messages: <c>config.yml line 12</c> or <c>REGISTRY_HTTP_ADDR</c>.</summary>
    public string Origin { get; } = origin;
}
