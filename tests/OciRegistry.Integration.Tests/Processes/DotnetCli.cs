namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// Runs the <c>dotnet</c> command (new, pack, build, publish) on projects outside this test's own build, as a user
/// would in a shell.
/// </summary>
internal static class DotnetCli
{
    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> and throws, with everything it printed, unless it exits
    /// with 0. <paramref name="environment"/> changes the inherited environment (a null value removes a variable);
    /// <paramref name="workingDirectory"/> decides which NuGet.config and global.json files apply.
    /// </summary>
    public static async Task<ProgramResult> RunCheckedAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken,
        TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var result = await RunAsync(arguments, environment, cancellationToken, timeout, workingDirectory);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.ToString());
        }

        return result;
    }

    /// <summary>
    /// Runs <c>dotnet</c> as <see cref="RunCheckedAsync"/> does and returns its exit code and output, whatever the
    /// exit code (for a build that is meant to fail).
    /// </summary>
    public static Task<ProgramResult> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken,
        TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        // `dotnet test` hands its MSBuild settings down to the test process; the nested build must pick its own.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>()
                     .Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)))
        {
            variables[name] = null;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        return ExternalProgram.RunAsync("dotnet", arguments, variables, cancellationToken, timeout, workingDirectory);
    }
}
