namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// podman, rootful and daemonless, with its own storage, run state and libpod temp folder inside the test's
/// folder; no cgroups, systemd or journald are involved.
/// </summary>
internal sealed class Podman : ContainersTool
{
    public Podman(string storageDirectory)
        : base("podman", storageDirectory,
            ["--tmpdir", Path.Combine(storageDirectory, "libpod"), "--cgroup-manager", "cgroupfs", "--events-backend", "none"])
    {
    }

    public Task LoadAsync(string archive, CancellationToken cancellationToken) =>
        RunAsync(["load", "--quiet", "--input", archive], cancellationToken);

    /// <summary>
    /// Pushes a local image to <paramref name="destination"/> (<c>docker://…</c>) in a manifest format (<c>v2s2</c>
    /// or <c>oci</c>); returns the digest podman wrote.
    /// </summary>
    public Task<string> PushAsync(string image, string destination, string format, CancellationToken cancellationToken) =>
        PushWithDigestAsync(["push"], image, destination, cancellationToken, "--format", format);

    /// <summary>Pulls an image by tag or digest; returns the id podman reports (hex, no algorithm).</summary>
    public async Task<string> PullAsync(string image, CancellationToken cancellationToken) =>
        (await RunAsync(["pull", "--quiet", "--tls-verify=false", image], cancellationToken)).StandardOutputText.Trim();

    /// <summary>podman's image id (hex, no algorithm): the digest of the image's config.</summary>
    public async Task<string> ImageIdAsync(string image, CancellationToken cancellationToken) =>
        (await RunAsync(["image", "inspect", "--format", "{{.Id}}", image], cancellationToken)).StandardOutputText.Trim();

    /// <summary>Removes every image of this instance's private storage.</summary>
    public Task RemoveAllImagesAsync(CancellationToken cancellationToken) =>
        RunAsync(["rmi", "--all", "--force"], cancellationToken);

    /// <summary>The content of a file in a local image, read from the image mounted (vfs: its folder).</summary>
    public async Task<byte[]> ReadFileAsync(string image, string path, CancellationToken cancellationToken)
    {
        var root = (await RunAsync(["image", "mount", image], cancellationToken)).StandardOutputText.Trim();
        try
        {
            return await File.ReadAllBytesAsync(Path.Combine(root, path.TrimStart('/')), cancellationToken);
        }
        finally
        {
            await RunAsync(["image", "unmount", image], cancellationToken);
        }
    }

    public Task CreateManifestListAsync(string list, CancellationToken cancellationToken) =>
        RunAsync(["manifest", "create", list], cancellationToken);

    /// <summary>Adds an image of a registry (<c>docker://…</c>) to a local manifest list.</summary>
    public Task AddToManifestListAsync(string list, string image, CancellationToken cancellationToken) =>
        RunAsync(["manifest", "add", "--tls-verify=false", list, image], cancellationToken);

    /// <summary><c>podman manifest push --all</c>: the list and every image in it; returns the list's digest.</summary>
    public Task<string> PushManifestListAsync(string list, string destination, CancellationToken cancellationToken) =>
        PushWithDigestAsync(["manifest", "push"], list, destination, cancellationToken, "--all");

    /// <summary><c>podman search</c> of a registry (<c>HOST:PORT/term</c>); returns the names it found.</summary>
    public async Task<IReadOnlyList<string>> SearchAsync(string term, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["search", "--tls-verify=false", "--no-trunc", "--format", "{{.Name}}", term], cancellationToken);
        return result.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
