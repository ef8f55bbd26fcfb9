using System.Diagnostics;
using System.Reflection;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// Starts our sample host (samples/OciRegistry.Host, built by this project's ProjectReference in the same
/// configuration) as a real process: with the filesystem driver on a given storage root, or on any storage a
/// <see cref="HostStorage"/> configures.
/// </summary>
internal static class OciRegistryHost
{
    /// <summary>
    /// Set to <c>go-registry</c> to run every "our host" test against the Go registry instead: a check of the
    /// tests themselves against the reference implementation.
    /// </summary>
    public const string TargetVariable = "OCIREGISTRY_TEST_TARGET";

    public static Task<RegistryProcess> StartAsync(string rootDirectory, string configDirectory, CancellationToken cancellationToken) =>
        StartAsync(HostStorage.FileSystem(rootDirectory), configDirectory, cancellationToken);

    /// <summary>
    /// Starts the host on the given storage. With the Go registry as the target (see <see cref="TargetVariable"/>),
    /// the Go registry serves filesystem storage instead, and a test on other storage is ignored.
    /// </summary>
    public static Task<RegistryProcess> StartAsync(HostStorage storage, string configDirectory, CancellationToken cancellationToken)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(TargetVariable), "go-registry", StringComparison.OrdinalIgnoreCase))
        {
            if (storage.RootDirectory is null)
            {
                Assert.Ignore($"{TargetVariable}=go-registry runs the Go registry on the filesystem only, not on {storage}.");
            }

            return GoRegistry.StartAsync(storage.RootDirectory, configDirectory, cancellationToken);
        }

        var hostAssembly = LocateHostAssembly();
        return RegistryProcess.StartAsync("OciRegistry.Host", storage.Description, storage.RootDirectory, port =>
        {
            // Started from its own folder, as deployed, so its appsettings.json is the one that applies.
            var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(hostAssembly)! };
            foreach (var argument in new[] { hostAssembly, "--urls", $"http://127.0.0.1:{port}" }.Concat(storage.Arguments))
            {
                startInfo.ArgumentList.Add(argument);
            }

            // The host listens on $PORT when set (Cloud Foundry); a PORT in the test's environment must not win.
            startInfo.Environment.Remove("PORT");
            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            return startInfo;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs one of the host's commands (such as <c>garbage-collect --dry-run</c>) to completion with the filesystem
    /// driver on a storage root; further <c>--Key=value</c> settings may follow the command's own arguments.
    /// </summary>
    public static Task<ProgramResult> RunCommandAsync(string rootDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var hostAssembly = LocateHostAssembly();
        return ExternalProgram.RunCheckedAsync("dotnet", [
            hostAssembly, .. arguments,
            "--contentRoot", Path.GetDirectoryName(hostAssembly)!,
            $"--OciRegistry:Storage:FileSystem:RootDirectory={rootDirectory}",
        ], cancellationToken);
    }

    /// <summary>The configuration (Debug, Release) the tests and so the host were built in.</summary>
    public static string BuildConfiguration =>
        typeof(OciRegistryHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "Configuration").Value!;

    /// <summary>The sample host's project folder.</summary>
    public static string ProjectDirectory => Path.Combine(FindSolutionDirectory(), "samples", "OciRegistry.Host");

    /// <summary>The built host assembly (samples/OciRegistry.Host, in the configuration the tests are built in).</summary>
    public static string LocateHostAssembly()
    {
        var path = Path.Combine(ProjectDirectory, "bin", BuildConfiguration, "net10.0", "OciRegistry.Host.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The sample host is not built in {BuildConfiguration}: {path} is missing.", path);
        }

        return path;
    }

    /// <summary>The folder of OciRegistry.slnx above the test assembly: the repository root.</summary>
    public static string FindSolutionDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OciRegistry.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds OciRegistry.slnx.");
    }
}
