namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Reads a Go registry configuration file, applies the <c>REGISTRY_*</c> environment, and maps the result.</summary>
internal static class GoRegistryConfigurationLoader
{
    /// <exception cref="GoRegistryConfigurationException">The file is missing or is not YAML.</exception>
    public static GoRegistryConfigurationMapping Load(string path, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GoRegistryConfigurationException($"cannot read the configuration file {path}: {e.Message}", e);
        }

        return Map(text, Path.GetFileName(path), environment);
    }

    /// <summary>Maps configuration text (named <paramref name="fileName"/> in messages) with the given environment.</summary>
    public static GoRegistryConfigurationMapping Map(string text, string fileName, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var root = GoConfigYaml.ParseDocument(text, fileName);
        var environmentFindings = new List<GoRegistryConfigurationFinding>();
        RegistryEnvironmentOverrides.Apply(root, environment, environmentFindings);
        var mapping = GoRegistryConfigurationMapper.Map(root);
        return mapping with { Findings = [.. environmentFindings, .. mapping.Findings] };
    }

    /// <summary>The process environment as key/value pairs.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(entry => new KeyValuePair<string, string?>((string)entry.Key, entry.Value as string));
}
