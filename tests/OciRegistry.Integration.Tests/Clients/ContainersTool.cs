using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// What podman and buildah share: both run daemonless on containers/storage and containers/image. Each instance
/// keeps its images in a folder of the test (storage driver vfs: plain copies, no kernel features), reaches
/// registries over plain HTTP (<c>--tls-verify=false</c>), and reads no docker credentials: a
/// <c>DOCKER_CONFIG</c> naming a folder without <c>config.json</c> makes them fail.
/// </summary>
internal abstract class ContainersTool
{
    private readonly string executable;
    private readonly string[] globalOptions;
    private readonly string temporaryDirectory;
    private readonly Dictionary<string, string?> environment;

    /// <param name="executable">podman or buildah.</param>
    /// <param name="storageDirectory">A folder for images, run state and temp files (created here).</param>
    /// <param name="extraGlobalOptions">Options of this tool that go before the command, after the storage ones.</param>
    protected ContainersTool(string executable, string storageDirectory, IEnumerable<string> extraGlobalOptions)
    {
        this.executable = executable;
        temporaryDirectory = Path.Combine(storageDirectory, "tmp");
        Directory.CreateDirectory(temporaryDirectory);
        var authFile = Path.Combine(storageDirectory, "auth.json");
        File.WriteAllText(authFile, """{"auths":{}}""");
        globalOptions =
        [
            "--root", Path.Combine(storageDirectory, "root"),
            "--runroot", Path.Combine(storageDirectory, "run"),
            "--storage-driver", "vfs",
            .. extraGlobalOptions,
        ];
        environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = null,
            ["REGISTRY_AUTH_FILE"] = authFile,
            ["TMPDIR"] = temporaryDirectory,
            ["BUILDAH_ISOLATION"] = "chroot",
        };
    }

    /// <summary>Ends the test (failed in CI, ignored elsewhere) unless the tool is installed.</summary>
    public void RequireInstalled() => ClientPrerequisite.RequireProgram(executable);

    /// <summary>
    /// Pushes a local image (or with <paramref name="command"/> <c>manifest push</c>, a manifest list) to a
    /// registry reference (<c>docker://…</c>) and returns the digest the tool wrote.
    /// </summary>
    protected async Task<string> PushWithDigestAsync(
        string[] command, string source, string destination, CancellationToken cancellationToken, params string[] options)
    {
        var digestFile = Path.Combine(temporaryDirectory, $"digest-{Guid.NewGuid():N}");
        await RunAsync([.. command, "--tls-verify=false", "--digestfile", digestFile, .. options, source, destination], cancellationToken);
        return (await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim();
    }

    protected Task<ProgramResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalProgram.RunCheckedAsync(executable, [.. globalOptions, .. arguments], environment, cancellationToken);
}
