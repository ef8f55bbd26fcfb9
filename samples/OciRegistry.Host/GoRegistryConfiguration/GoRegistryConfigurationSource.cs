namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// A configuration source reading a Go registry <c>config.yml</c> (with the <c>REGISTRY_*</c> environment) as this
/// host's keys. Loading fails with <see cref="GoRegistryConfigurationException"/> listing every error.
/// </summary>
internal sealed class GoRegistryConfigurationSource(string path, Func<IEnumerable<KeyValuePair<string, string?>>> environment) : IConfigurationSource
{
    public string Path { get; } = path;

    /// <summary>The result of the last load: what to log about the keys not mapped as written.</summary>
    public GoRegistryConfigurationMapping? Mapping { get; internal set; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new GoRegistryConfigurationProvider(this, environment);
}
