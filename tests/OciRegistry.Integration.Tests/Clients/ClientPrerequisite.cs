using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// What a test does when a client it needs is missing. In CI (<c>CI=true</c>) the test fails: the test command
/// installs every client and starts dockerd, so a missing one is a broken run, not a reason to skip. Elsewhere the
/// test is ignored, with the command that would provide the client.
/// </summary>
internal static class ClientPrerequisite
{
    public const string InstallHint = "Install the clients with: eng/services/dockerd.sh install (eng/test.sh does this).";

    public static bool InContinuousIntegration =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 } value && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails the test in CI, ignores it elsewhere; either way it ends here.</summary>
    [DoesNotReturn]
    public static void Missing(string what, string remedy)
    {
        if (InContinuousIntegration)
        {
            Assert.Fail($"{what}. {remedy}");
        }

        Assert.Ignore($"{what}. {remedy} (In CI this fails the test.)");
        throw new UnreachableException();
    }

    /// <summary>Ends the test (see <see cref="Missing"/>) unless <paramref name="program"/> is on PATH.</summary>
    public static void RequireProgram(string program)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
        if (!onPath)
        {
            Missing($"{program} is not installed (not on PATH)", InstallHint);
        }
    }
}
