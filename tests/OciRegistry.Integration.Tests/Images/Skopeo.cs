using System.Text.Json;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Images;

/// <summary>
/// skopeo, the real client the registries are checked with. References are skopeo's (<c>oci:DIR:TAG</c>,
/// <c>dir:DIR</c>, <c>docker://HOST:PORT/REPO:TAG</c>); registries are plain HTTP on loopback, so TLS
/// verification is off, and no signature policy applies.
/// </summary>
internal sealed class Skopeo
{
    private readonly string workDirectory;

    /// <param name="workDirectory">A folder for skopeo's digest files.</param>
    public Skopeo(string workDirectory)
    {
        this.workDirectory = workDirectory;
    }

    /// <summary>Copies an image (with <c>--all</c>, every image of an index) and returns the digest skopeo wrote.</summary>
    public async Task<string> CopyAsync(string source, string destination, CancellationToken cancellationToken, params string[] options)
    {
        var digestFile = Path.Combine(workDirectory, $"digest-{Guid.NewGuid():N}");
        var arguments = new List<string> { "--insecure-policy", "copy", "--quiet", "--digestfile", digestFile };
        if (IsRegistry(source))
        {
            arguments.Add("--src-tls-verify=false");
        }

        if (IsRegistry(destination))
        {
            arguments.Add("--dest-tls-verify=false");
        }

        arguments.AddRange(options);
        arguments.Add(source);
        arguments.Add(destination);
        await Run(arguments, cancellationToken);
        var digest = (await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim();
        File.Delete(digestFile);
        return digest;
    }

    /// <summary>Runs <c>skopeo copy</c> and reports how it ended, without throwing: for copies that are meant to fail.</summary>
    public Task<ProgramResult> TryCopyAsync(string source, string destination, CancellationToken cancellationToken) =>
        ExternalProgram.RunAsync("skopeo", [
            "--insecure-policy", "copy", "--quiet",
            .. IsRegistry(source) ? new[] { "--src-tls-verify=false" } : [],
            .. IsRegistry(destination) ? new[] { "--dest-tls-verify=false" } : [],
            source, destination,
        ], cancellationToken);

    /// <summary>
    /// Writes an image as a docker-archive tarball named <paramref name="imageName"/>: what <c>docker load</c> and
    /// <c>podman load</c> read.
    /// </summary>
    public Task SaveDockerArchiveAsync(string source, string archivePath, string imageName, CancellationToken cancellationToken) =>
        CopyAsync(source, $"docker-archive:{archivePath}:{imageName}", cancellationToken);

    /// <summary>The manifest (or index) exactly as the source serves it.</summary>
    public async Task<byte[]> RawManifestAsync(string reference, CancellationToken cancellationToken)
    {
        var result = await Run(["inspect", "--raw", .. TlsOption(reference), reference], cancellationToken);
        return result.StandardOutput;
    }

    /// <summary>The digest of the manifest bytes the source serves.</summary>
    public async Task<string> ManifestDigestAsync(string reference, CancellationToken cancellationToken) =>
        ContentDigest.Of(await RawManifestAsync(reference, cancellationToken));

    /// <summary>skopeo's summary of an image: digest, architecture, os, layers, ...</summary>
    public async Task<JsonDocument> InspectAsync(string reference, CancellationToken cancellationToken)
    {
        var result = await Run(["inspect", .. TlsOption(reference), reference], cancellationToken);
        return JsonDocument.Parse(result.StandardOutput);
    }

    /// <summary>Runs <c>skopeo inspect</c> and reports whether it found the image, without throwing.</summary>
    public async Task<ProgramResult> TryInspectAsync(string reference, CancellationToken cancellationToken) =>
        await ExternalProgram.RunAsync("skopeo", ["inspect", .. TlsOption(reference), reference], cancellationToken);

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repositoryReference, CancellationToken cancellationToken)
    {
        var result = await Run(["list-tags", .. TlsOption(repositoryReference), repositoryReference], cancellationToken);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.GetProperty("Tags").EnumerateArray().Select(tag => tag.GetString()!).ToList();
    }

    public Task DeleteAsync(string reference, CancellationToken cancellationToken) =>
        Run(["delete", .. TlsOption(reference), reference], cancellationToken);

    /// <summary>The digest of a manifest file, as skopeo computes it.</summary>
    public async Task<string> ManifestFileDigestAsync(string manifestPath, CancellationToken cancellationToken)
    {
        var result = await Run(["manifest-digest", manifestPath], cancellationToken);
        return result.StandardOutputText.Trim();
    }

    private static bool IsRegistry(string reference) => reference.StartsWith("docker://", StringComparison.Ordinal);

    private static string[] TlsOption(string reference) => IsRegistry(reference) ? ["--tls-verify=false"] : [];

    private static Task<ProgramResult> Run(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalProgram.RunCheckedAsync("skopeo", arguments, cancellationToken);
}
