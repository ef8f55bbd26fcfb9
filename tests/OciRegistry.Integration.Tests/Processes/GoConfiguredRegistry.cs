using System.Diagnostics;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// Starts a registry the Go registry's way, <c>serve CONFIG.yml</c> with <c>REGISTRY_*</c> variables: our sample host
/// (<c>dotnet OciRegistry.Host.dll serve</c>) or Debian's <c>docker-registry</c>, on the same file.
/// </summary>
internal static class GoConfiguredRegistry
{
    /// <summary>What one start needs: the configuration file, and environment changes (a null value removes a variable).</summary>
    /// <param name="ConfigPath">The configuration file given to <c>serve</c>.</param>
    /// <param name="Environment">Variables set for the process (a null value removes one).</param>
    public sealed record Start(string ConfigPath, IReadOnlyDictionary<string, string?> Environment);

    /// <summary>Starts our host with <c>serve</c>; <paramref name="prepare"/> gets the port to listen on and writes what the start needs.</summary>
    public static Task<RegistryProcess> StartOursAsync(string storage, string? rootDirectory, Func<int, Start> prepare, CancellationToken cancellationToken, bool https = false)
    {
        var hostAssembly = OciRegistryHost.LocateHostAssembly();
        return RegistryProcess.StartAsync("OciRegistry.Host serve", storage, rootDirectory, port =>
        {
            var start = prepare(port);
            // Started from its own folder, as deployed.
            var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(hostAssembly)! };
            startInfo.ArgumentList.Add(hostAssembly);
            startInfo.ArgumentList.Add("serve");
            startInfo.ArgumentList.Add(start.ConfigPath);
            startInfo.Environment.Remove("PORT");
            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            return Apply(startInfo, start.Environment);
        }, cancellationToken, https);
    }

    /// <summary>Starts <c>docker-registry serve</c>; <paramref name="prepare"/> gets the port to listen on and writes what the start needs.</summary>
    public static Task<RegistryProcess> StartGoAsync(string storage, string? rootDirectory, Func<int, Start> prepare, CancellationToken cancellationToken, bool https = false)
    {
        if (!File.Exists(GoRegistry.Executable))
        {
            throw new FileNotFoundException($"{GoRegistry.Executable} is missing: eng/test.sh installs it (apt-get install docker-registry).", GoRegistry.Executable);
        }

        return RegistryProcess.StartAsync("docker-registry serve", storage, rootDirectory, port =>
        {
            var start = prepare(port);
            var startInfo = new ProcessStartInfo(GoRegistry.Executable);
            startInfo.ArgumentList.Add("serve");
            startInfo.ArgumentList.Add(start.ConfigPath);
            return Apply(startInfo, start.Environment);
        }, cancellationToken, https);
    }

    /// <summary>Runs our host with these arguments (<c>serve bad.yml</c>, <c>garbage-collect config.yml</c>) to its end.</summary>
    public static Task<ProgramResult> RunOursAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var hostAssembly = OciRegistryHost.LocateHostAssembly();
        return ExternalProgram.RunAsync("dotnet", [hostAssembly, .. arguments], new Dictionary<string, string?>(environment) { ["PORT"] = null }, cancellationToken);
    }

    private static ProcessStartInfo Apply(ProcessStartInfo startInfo, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }
}
