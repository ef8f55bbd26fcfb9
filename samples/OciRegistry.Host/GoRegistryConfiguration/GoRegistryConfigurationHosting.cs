using Microsoft.Extensions.Configuration.CommandLine;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Wires a Go registry configuration file into the host: as a configuration source, then what it says at start.</summary>
internal static partial class GoRegistryConfigurationHosting
{
    private const string LoggerCategory = "OciRegistry.Host.GoRegistryConfiguration";

    /// <summary>
    /// Adds the file (when <paramref name="path"/> is set) above appsettings.json and the environment but below
    /// <c>--Key=value</c> arguments, which still win. Prints the errors and returns <c>false</c> when it cannot be served.
    /// </summary>
    public static bool TryAddGoRegistryConfiguration(this WebApplicationBuilder builder, string? path, out GoRegistryConfigurationSource? source)
    {
        source = null;
        if (path is null)
        {
            return true;
        }

        var candidate = new GoRegistryConfigurationSource(path, GoRegistryConfigurationLoader.ProcessEnvironment);
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        var commandLine = sources.Select((existing, index) => (existing, index)).LastOrDefault(pair => pair.existing is CommandLineConfigurationSource);
        try
        {
            if (commandLine.existing is null)
            {
                sources.Add(candidate);
            }
            else
            {
                sources.Insert(commandLine.index, candidate);
            }
        }
        catch (GoRegistryConfigurationException invalid)
        {
            Console.Error.WriteLine(invalid.Message);
            return false;
        }

        source = candidate;
        return true;
    }

    /// <summary>Logs each key accepted with another meaning (information) or ignored (warning).</summary>
    public static void LogGoRegistryConfiguration(this IHost host, GoRegistryConfigurationSource? source)
    {
        if (source?.Mapping is not { } mapping)
        {
            return;
        }

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        LogLoaded(logger, source.Path, mapping.Settings.Count);
        foreach (var finding in mapping.Findings)
        {
            if (finding.Severity == GoRegistryFindingSeverity.Warning)
            {
                LogIgnored(logger, finding.Key, finding.Origin, finding.Message);
            }
            else
            {
                LogNote(logger, finding.Key, finding.Origin, finding.Message);
            }
        }
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Read the Go registry configuration {Path} ({Count} settings)")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "{Key} ({Origin}): {Message}")]
    private static partial void LogIgnored(ILogger logger, string key, string origin, string message);

    [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "{Key} ({Origin}): {Message}")]
    private static partial void LogNote(ILogger logger, string key, string origin, string message);
}
