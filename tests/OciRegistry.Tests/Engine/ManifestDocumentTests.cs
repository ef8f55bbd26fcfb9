using System.Text;
using OciRegistry.Content;
using OciRegistry.Engine;
using OciRegistry.Engine.Manifests;

namespace OciRegistry.Tests.Engine;

public class ManifestDocumentTests
{
    private static readonly string Layer = Digest.Compute("layer"u8).ToString();
    private static readonly string Config = Digest.Compute("config"u8).ToString();

    private static ReadOnlyMemory<byte> Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static string ImageManifest(string? mediaType = MediaTypes.OciManifest) =>
        "{\"schemaVersion\":2," + (mediaType is null ? "" : $"\"mediaType\":\"{mediaType}\",") +
        $"\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{Config}\",\"size\":6}}," +
        $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"{Layer}\",\"size\":5}}]}}";

    [Test]
    public void An_image_manifest_exposes_its_config_and_layers()
    {
        var document = ManifestDocument.Parse(Bytes(ImageManifest()), null);
        Assert.Multiple(() =>
        {
            Assert.That(document.MediaType, Is.EqualTo(MediaTypes.OciManifest));
            Assert.That(document.Config!.Digest.ToString(), Is.EqualTo(Config));
            Assert.That(document.Layers.Select(l => l.Digest.ToString()), Is.EqualTo(new[] { Layer }));
            Assert.That(document.EffectiveArtifactType, Is.EqualTo(MediaTypes.OciConfig));
        });
    }

    [Test]
    public void A_manifest_without_mediaType_takes_it_from_the_content_type()
    {
        var document = ManifestDocument.Parse(Bytes(ImageManifest(null)), MediaTypes.DockerManifest + "; charset=utf-8");
        Assert.That(document.MediaType, Is.EqualTo(MediaTypes.DockerManifest));
    }

    [Test]
    public void A_content_type_contradicting_the_mediaType_is_refused() =>
        AssertInvalid(ImageManifest(), MediaTypes.DockerManifest);

    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("{\"schemaVersion\":1}")]
    [TestCase("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}")]
    [TestCase("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}")]
    [TestCase("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:zz\",\"size\":1},\"layers\":[]}")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":-1},\"layers\":[]}")]
    public void Malformed_manifests_are_MANIFEST_INVALID(string json) => AssertInvalid(json, null);

    [Test]
    public void An_index_exposes_its_children_and_a_subject()
    {
        var json = $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{Layer}\",\"size\":5,\"platform\":{{\"os\":\"linux\",\"architecture\":\"amd64\"}}}}],\"subject\":{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{Config}\",\"size\":6}}}}";
        var document = ManifestDocument.Parse(Bytes(json), null);
        Assert.Multiple(() =>
        {
            Assert.That(document.IsIndex, Is.True);
            Assert.That(document.Manifests, Has.Count.EqualTo(1));
            Assert.That(document.Manifests[0].Platform, Is.Not.Null);
            Assert.That(document.Subject!.Digest.ToString(), Is.EqualTo(Config));
        });
    }

    [TestCase("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"}", MediaTypes.DockerManifest)]
    [TestCase("{\"schemaVersion\":2,\"manifests\":[]}", MediaTypes.OciIndex)]
    [TestCase("{\"schemaVersion\":2,\"config\":{}}", MediaTypes.OciManifest)]
    [TestCase("garbage", MediaTypes.OciManifest)]
    public void The_media_type_of_stored_bytes_is_read_without_full_parsing(string json, string expected) =>
        Assert.That(ManifestDocument.ReadMediaType(Encoding.UTF8.GetBytes(json)), Is.EqualTo(expected));

    private static void AssertInvalid(string json, string? contentType)
    {
        var error = Assert.Throws<OciRegistryException>(() => ManifestDocument.Parse(Bytes(json), contentType));
        Assert.That(error!.Code.Code, Is.EqualTo("MANIFEST_INVALID"));
    }
}
