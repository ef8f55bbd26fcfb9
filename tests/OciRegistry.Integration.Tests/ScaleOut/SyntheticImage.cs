using System.Text;
using System.Text.Json.Nodes;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// An OCI image manifest over blobs made in memory: a config naming the image and layers of random bytes (the
/// registry checks that they exist, not what is in them). Cheap enough to push by the dozen.
/// </summary>
internal sealed class SyntheticImage
{
    public SyntheticImage(string name, IReadOnlyList<byte[]> layers)
    {
        Config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Labels"] = new JsonObject { ["test.image"] = name } },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
        }.ToJsonString());
        Layers = layers;
        Manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = TestImages.OciManifestMediaType,
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", Config),
            ["layers"] = new JsonArray([.. layers.Select(layer => (JsonNode)Descriptor("application/vnd.oci.image.layer.v1.tar", layer))]),
        }.ToJsonString());
        ManifestDigest = ContentDigest.Of(Manifest);
    }

    public byte[] Config { get; }

    public IReadOnlyList<byte[]> Layers { get; }

    public byte[] Manifest { get; }

    public string ManifestDigest { get; }

    /// <summary>The config, then the layers: every blob the manifest references.</summary>
    public IEnumerable<byte[]> Blobs => Layers.Prepend(Config);

    /// <summary><paramref name="length"/> random bytes: content nobody else pushes.</summary>
    public static byte[] RandomBlob(Random random, int length)
    {
        var content = new byte[length];
        random.NextBytes(content);
        return content;
    }

    private static JsonObject Descriptor(string mediaType, byte[] content) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = ContentDigest.Of(content),
        ["size"] = content.Length,
    };
}
