using OciRegistry.Host.GoRegistryConfiguration;

namespace OciRegistry.Host.Commands;

/// <summary>
/// Finds the Go registry configuration file among a command's arguments (<c>serve config.yml</c>,
/// <c>garbage-collect --dry-run config.yml</c>): the one argument that is neither a <c>--Key=value</c> / <c>--Key value</c>
/// setting nor the value of one. Without it, <c>REGISTRY_CONFIGURATION_PATH</c> names the file, as for the Go registry.
/// </summary>
internal static class ConfigurationFileArgument
{
    /// <summary>Splits <paramref name="arguments"/> into the file (or <c>null</c>) and the .NET configuration arguments.</summary>
    /// <exception cref="FormatException">More than one argument could be the file.</exception>
    public static (string? File, string[] ConfigurationArguments) Split(IReadOnlyList<string> arguments)
    {
        string? file = null;
        var rest = new List<string>();
        for (var index = 0; index < arguments.Count; index++)
        {
            var argument = arguments[index];
            var previous = index > 0 ? arguments[index - 1] : null;
            var isSettingValue = previous is not null && previous.StartsWith('-') && !previous.Contains('=', StringComparison.Ordinal);
            if (argument.StartsWith('-') || isSettingValue)
            {
                rest.Add(argument);
                continue;
            }

            if (file is not null)
            {
                throw new FormatException($"two configuration files given ('{file}' and '{argument}'); settings are written --Key=value.");
            }

            file = argument;
        }

        return (file ?? NullIfEmpty(Environment.GetEnvironmentVariable(RegistryEnvironmentOverrides.ConfigurationPathVariable)), [.. rest]);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
