namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Loads a <see cref="GoRegistryConfigurationSource"/>.</summary>
internal sealed class GoRegistryConfigurationProvider(GoRegistryConfigurationSource source, Func<IEnumerable<KeyValuePair<string, string?>>> environment)
    : ConfigurationProvider
{
    public override void Load()
    {
        var mapping = GoRegistryConfigurationLoader.Load(source.Path, environment());
        var errors = mapping.Errors.ToList();
        if (errors.Count > 0)
        {
            throw new GoRegistryConfigurationException(
                $"{source.Path} cannot be served as written:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(error => $"  {error}")));
        }

        source.Mapping = mapping;
        Data = new Dictionary<string, string?>(mapping.Settings, StringComparer.OrdinalIgnoreCase);
    }
}
