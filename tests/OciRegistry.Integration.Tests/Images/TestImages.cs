namespace OciRegistry.Integration.Tests.Images;

/// <summary>The images the tests push: built offline, different on every call (each carries a fresh id).</summary>
internal static class TestImages
{
    public const string ImageIndexMediaType = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>The file every test image carries in its one layer (see <see cref="OciImageLayout.AddImageAsync"/>).</summary>
    public const string ContentFile = "/content.txt";

    /// <summary>A layout with one linux/amd64 image of one layer, tagged <paramref name="tag"/>.</summary>
    public static async Task<OciImageLayout> SingleArchAsync(string directory, string tag, CancellationToken cancellationToken)
    {
        var layout = await OciImageLayout.CreateAsync(directory, cancellationToken);
        await layout.AddImageAsync(tag, "amd64", $"single-arch image {Guid.NewGuid()}", cancellationToken);
        return layout;
    }

    /// <summary>
    /// A layout whose <paramref name="tag"/> is an OCI index of two images, linux/amd64 and linux/arm64.
    /// </summary>
    public static async Task<OciImageLayout> MultiArchAsync(string directory, string tag, CancellationToken cancellationToken)
    {
        var layout = await OciImageLayout.CreateAsync(directory, cancellationToken);
        var id = Guid.NewGuid();
        await layout.AddImageAsync($"{tag}-amd64", "amd64", $"amd64 image {id}", cancellationToken);
        await layout.AddImageAsync($"{tag}-arm64", "arm64", $"arm64 image {id}", cancellationToken);
        await layout.AddIndexAsync(
            tag,
            new Dictionary<string, string> { [$"{tag}-amd64"] = "amd64", [$"{tag}-arm64"] = "arm64" },
            cancellationToken);
        return layout;
    }
}
