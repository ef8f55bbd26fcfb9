using System.Diagnostics;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// Starts the CNCF distribution registry (<c>docker-registry serve</c>, Debian package docker-registry) on a
/// storage root, the reference our layout and API must interoperate with.
/// </summary>
internal static class GoRegistry
{
    private const string Executable = "/usr/bin/docker-registry";

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
