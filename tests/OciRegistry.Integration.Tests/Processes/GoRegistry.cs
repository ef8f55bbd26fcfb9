using System.Diagnostics;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// Starts the CNCF distribution registry (<c>docker-registry serve</c>, Debian package docker-registry) on a
/// storage root, the reference our layout and API must interoperate with.
/// </summary>
internal static class GoRegistry
{
    public const string Executable = "/usr/bin/docker-registry";

    public static Task<RegistryProcess> StartAsync(string rootDirectory, string configDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Executable))
        {
            throw new FileNotFoundException($"{Executable} is missing: eng/test.sh installs it (apt-get install docker-registry).", Executable);
        }

        return RegistryProcess.StartAsync("docker-registry", rootDirectory, port =>
        {
            var configPath = Path.Combine(configDirectory, $"docker-registry-{port}.yml");
            File.WriteAllText(configPath, CreateConfiguration(rootDirectory, port));
            var startInfo = new ProcessStartInfo(Executable);
            startInfo.ArgumentList.Add("serve");
            startInfo.ArgumentList.Add(configPath);
            return startInfo;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <c>docker-registry garbage-collect</c> (with <paramref name="options"/> such as <c>--dry-run</c> and
    /// <c>--delete-untagged</c>) on a storage root and returns what it printed.
    /// </summary>
    public static Task<ProgramResult> GarbageCollectAsync(string rootDirectory, string configDirectory, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        var configPath = Path.Combine(configDirectory, "docker-registry-gc.yml");
        File.WriteAllText(configPath, CreateConfiguration(rootDirectory, LoopbackPort.FindFree()));
        return ExternalProgram.RunCheckedAsync(Executable, ["garbage-collect", .. options, configPath], cancellationToken);
    }

    private static string CreateConfiguration(string rootDirectory, int port) => $"""
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: "{rootDirectory}"
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:{port}
        """;
}
