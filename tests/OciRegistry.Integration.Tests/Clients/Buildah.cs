namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// buildah, daemonless, with its own storage in the test's folder. Builds run with chroot isolation; the
/// Containerfiles the tests use have no RUN step, so no container runtime is needed.
/// </summary>
internal sealed class Buildah : ContainersTool
{
    public Buildah(string storageDirectory)
        : base("buildah", storageDirectory, [])
    {
    }

    /// <summary><c>buildah bud</c> of a context folder with its Containerfile; base images come over plain HTTP.</summary>
    public Task BuildAsync(string contextDirectory, string tag, CancellationToken cancellationToken) =>
        RunAsync(["bud", "--quiet", "--tls-verify=false", "--tag", tag, contextDirectory], cancellationToken);

    /// <summary>Pushes a local image to <paramref name="destination"/> (<c>docker://…</c>); returns the digest buildah wrote.</summary>
    public Task<string> PushAsync(string image, string destination, CancellationToken cancellationToken) =>
        PushWithDigestAsync(["push"], image, destination, cancellationToken);
}
