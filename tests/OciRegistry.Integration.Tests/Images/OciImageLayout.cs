using System.Text;
using System.Text.Json.Nodes;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Images;

/// <summary>
/// An OCI image layout on disk holding small test images, built offline with umoci. A multi-arch index is
/// written here, since umoci makes single images only.
/// </summary>
internal sealed class OciImageLayout
{
    private const string ImageIndexMediaType = "application/vnd.oci.image.index.v1+json";
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private OciImageLayout(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>The skopeo reference of a tag in this layout.</summary>
    public string Reference(string tag) => $"oci:{Directory}:{tag}";

    /// <summary>Creates an empty layout in a folder that must not exist yet.</summary>
    public static async Task<OciImageLayout> CreateAsync(string directory, CancellationToken cancellationToken)
    {
        await Umoci(cancellationToken, "init", "--layout", directory);
        return new OciImageLayout(directory);
    }

    /// <summary>A layout that exists already, such as one skopeo pulled an image into.</summary>
    public static OciImageLayout Open(string directory) => new(directory);

    /// <summary>The digest of the manifest (or index) tagged <paramref name="tag"/>.</summary>
    public async Task<string> DigestAsync(string tag, CancellationToken cancellationToken) =>
        FindTagged(await ReadLayoutIndexAsync(cancellationToken), tag)["digest"]!.GetValue<string>();

    public Task<byte[]> ReadBlobAsync(string digest, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(BlobPath(digest), cancellationToken);

    /// <summary>
    /// The content of a file in the image tagged <paramref name="tag"/>, from the topmost layer that has it, or
    /// null when no layer has it.
    /// </summary>
    public async Task<byte[]?> ReadFileAsync(string tag, string path, CancellationToken cancellationToken)
    {
        var manifest = await ReadBlobAsync(await DigestAsync(tag, cancellationToken), cancellationToken);
        foreach (var layer in ManifestJson.LayerDigests(manifest).Reverse())
        {
            await using var archive = File.OpenRead(BlobPath(layer));
            var content = await LayerArchive.ReadFileAsync(archive, path, cancellationToken);
            if (content is not null)
            {
                return content;
            }
        }

        return null;
    }

    /// <summary>
    /// Adds a linux image of one layer (a small file whose text is <paramref name="fileContent"/>) for the given
    /// architecture under <paramref name="tag"/>.
    /// </summary>
    public async Task AddImageAsync(string tag, string architecture, string fileContent, CancellationToken cancellationToken)
    {
        var image = $"{Directory}:{tag}";
        var file = Path.Combine(Path.GetDirectoryName(Directory)!, $"{tag}-content.txt");
        await File.WriteAllTextAsync(file, fileContent, cancellationToken);

        await Umoci(cancellationToken, "new", "--image", image);
        await Umoci(cancellationToken, "insert", "--rootless", "--image", image, file, TestImages.ContentFile);
        await Umoci(cancellationToken, "config", "--image", image, "--os", "linux", "--architecture", architecture,
            "--config.cmd", "/bin/true");
        File.Delete(file);
    }

    /// <summary>
    /// Tags an OCI image index over images already tagged in this layout; each entry carries the platform
    /// (linux and the architecture) its image was made for.
    /// </summary>
    public async Task AddIndexAsync(string tag, IReadOnlyDictionary<string, string> architectureByImageTag, CancellationToken cancellationToken)
    {
        var layoutIndex = await ReadLayoutIndexAsync(cancellationToken);
        var entries = new JsonArray();
        foreach (var (imageTag, architecture) in architectureByImageTag)
        {
            var descriptor = FindTagged(layoutIndex, imageTag);
            entries.Add(new JsonObject
            {
                ["mediaType"] = descriptor["mediaType"]!.GetValue<string>(),
                ["digest"] = descriptor["digest"]!.GetValue<string>(),
                ["size"] = descriptor["size"]!.GetValue<long>(),
                ["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" },
            });
        }

        var imageIndex = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ImageIndexMediaType,
            ["manifests"] = entries,
        };
        var bytes = Encoding.UTF8.GetBytes(imageIndex.ToJsonString());
        var digest = ContentDigest.Of(bytes);
        await File.WriteAllBytesAsync(BlobPath(digest), bytes, cancellationToken);

        layoutIndex["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = ImageIndexMediaType,
            ["digest"] = digest,
            ["size"] = bytes.Length,
            ["annotations"] = new JsonObject { [RefNameAnnotation] = tag },
        });
        await File.WriteAllTextAsync(LayoutIndexPath, layoutIndex.ToJsonString(), cancellationToken);
    }

    private string LayoutIndexPath => Path.Combine(Directory, "index.json");

    private string BlobPath(string digest) => Path.Combine(Directory, "blobs", "sha256", digest["sha256:".Length..]);

    private async Task<JsonObject> ReadLayoutIndexAsync(CancellationToken cancellationToken) =>
        JsonNode.Parse(await File.ReadAllTextAsync(LayoutIndexPath, cancellationToken))!.AsObject();

    private static JsonObject FindTagged(JsonObject layoutIndex, string tag) =>
        layoutIndex["manifests"]!.AsArray()
            .Select(node => node!.AsObject())
            .Single(descriptor => descriptor["annotations"]?[RefNameAnnotation]?.GetValue<string>() == tag);

    private static async Task Umoci(CancellationToken cancellationToken, params string[] arguments) =>
        await ExternalProgram.RunCheckedAsync("umoci", arguments, cancellationToken);
}
