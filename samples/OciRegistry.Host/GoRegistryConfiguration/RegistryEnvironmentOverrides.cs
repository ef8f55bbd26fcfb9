using System.Globalization;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// Applies <c>REGISTRY_*</c> environment variables to a configuration the way the Go registry does:
/// <c>REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/data</c> sets <c>storage.filesystem.rootdirectory</c>; each
/// <c>_</c> goes one level down, names match keys ignoring case, new keys are lower case, the value is read as
/// YAML (so <c>REGISTRY_STORAGE_DELETE_ENABLED=true</c> is a boolean and <c>REGISTRY_STORAGE=s3</c> replaces the
/// whole storage section), a number indexes a list, and variables apply in the order of their names, so
/// <c>REGISTRY_STORAGE</c> comes before <c>REGISTRY_STORAGE_S3_BUCKET</c>.
/// </summary>
internal static class RegistryEnvironmentOverrides
{
    public const string Prefix = "REGISTRY_";

    /// <summary>Names the configuration file when the command line does not (as for the Go registry); not a key.</summary>
    public const string ConfigurationPathVariable = "REGISTRY_CONFIGURATION_PATH";

    /// <summary>Applies the variables of <paramref name="environment"/> that start with <see cref="Prefix"/>; returns their names.</summary>
    public static IReadOnlyList<string> Apply(GoConfigMapping root, IEnumerable<KeyValuePair<string, string?>> environment, ICollection<GoRegistryConfigurationFinding> findings)
    {
        var applied = new List<string>();
        foreach (var (name, value) in environment.Where(variable => variable.Key.StartsWith(Prefix, StringComparison.Ordinal) && variable.Key != ConfigurationPathVariable).OrderBy(variable => variable.Key, StringComparer.Ordinal))
        {
            var path = name[Prefix.Length..].Split('_');
            if (path.Any(segment => segment.Length == 0) || path[0].Equals("VERSION", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new(GoRegistryFindingSeverity.Warning, name, name, "is not a configuration key the environment can set; ignored."));
                continue;
            }

            Set(root, path, GoConfigYaml.ParseValue(value ?? string.Empty, name), name);
            applied.Add(name);
        }

        return applied;
    }

    private static void Set(GoConfigNode container, string[] path, GoConfigNode value, string variableName)
    {
        var segment = path[0];
        var last = path.Length == 1;
        if (container is GoConfigSequence sequence && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= sequence.Items.Count)
        {
            if (last)
            {
                if (index == sequence.Items.Count)
                {
                    sequence.Items.Add(value);
                }
                else
                {
                    sequence.Items[index] = value;
                }

                return;
            }

            if (index == sequence.Items.Count)
            {
                sequence.Items.Add(new GoConfigMapping(variableName));
            }
            else if (sequence.Items[index] is not GoConfigMapping and not GoConfigSequence)
            {
                sequence.Items[index] = new GoConfigMapping(variableName);
            }

            Set(sequence.Items[index], path[1..], value, variableName);
            return;
        }

        if (container is not GoConfigMapping mapping)
        {
            // Only reachable through a list index that is not a number or is beyond the end: the Go registry fails there too.
            throw new GoRegistryConfigurationException($"{variableName}: '{segment}' is not an index of the list it names.");
        }

        var key = mapping.FindKeyIgnoringCase(segment) ?? segment.ToLowerInvariant();
        if (last)
        {
            mapping.Set(key, value);
            return;
        }

        var child = mapping[key];
        if (child is not GoConfigMapping and not GoConfigSequence)
        {
            child = new GoConfigMapping(variableName);
            mapping.Set(key, child);
        }

        Set(child, path[1..], value, variableName);
    }
}
