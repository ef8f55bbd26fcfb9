namespace OciRegistry.Host.Commands;

/// <summary>
/// <c>serve [CONFIG.yml] [--Key=value ...]</c>: serves the registry, configured by a Go registry configuration file
/// when one is given (as <c>registry serve config.yml</c> does) on top of the host's own .NET configuration. Without
/// the word <c>serve</c>, the arguments are .NET configuration only, as before.
/// </summary>
internal static class ServeCommand
{
    public const string Name = "serve";

    /// <summary>
    /// Finds the Go registry configuration file (or <c>null</c>) and the arguments for the .NET configuration; prints
    /// the problem and returns <c>false</c> when the command line makes no sense.
    /// </summary>
    public static bool TryParse(string[] args, out string? configFile, out string[] configurationArgs)
    {
        (configFile, configurationArgs) = (null, args);
        if (args.Length == 0 || args[0] != Name)
        {
            return true;
        }

        try
        {
            (configFile, configurationArgs) = ConfigurationFileArgument.Split(args[1..]);
            return true;
        }
        catch (FormatException invalid)
        {
            Console.Error.WriteLine($"{Name}: {invalid.Message}");
            return false;
        }
    }
}
