using System.Text;
using System.Text.Json.Nodes;

namespace OciRegistry.Api.Tests;

/// <summary><c>PUT /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>: what is accepted, what is refused and why.</summary>
public sealed class ManifestPushTests(RegistryTarget target) : RegistryApiTest(target)
{
    private const int FourMiB = 4 * 1024 * 1024;

    [Test]
    public async Task Put_by_tag_answers_201_with_Location_and_digest()
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);

        using var response = await Registry.PutManifestAsync(repository, "v1", manifest);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        Assert.Multiple(() =>
        {
            Assert.That(Registry.Location(response).AbsolutePath, Is.EqualTo(RegistryClient.ManifestPath(repository, manifest.Digest)));
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(manifest.Digest));
        });
        await Registry.AssertManifestAsync(repository, "v1", manifest);
        await Registry.AssertManifestAsync(repository, manifest.Digest, manifest);
    }

    [Test]
    public async Task Put_by_digest_answers_201_and_the_manifest_is_reachable_by_it()
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);

        using var response = await Registry.PutManifestAsync(repository, manifest.Digest, manifest);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(manifest.Digest));
        await Registry.AssertManifestAsync(repository, manifest.Digest, manifest);
    }

    [Test]
    public async Task Put_by_digest_that_does_not_match_the_body_is_400_DIGEST_INVALID_and_nothing_is_stored()
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);
        var claimed = ContentDigest.Unknown();

        using var response = await Registry.PutManifestAsync(repository, claimed, manifest);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        await Registry.AssertNoManifestAsync(repository, claimed);
        await Registry.AssertNoManifestAsync(repository, manifest.Digest);
    }

    [Test]
    public async Task Docker_schema2_manifest_is_accepted_and_served_with_its_media_type()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var layer = await Registry.PushBlobAsync(repository);
        var manifest = Manifests.DockerImage(config, layer);

        await Registry.PushManifestAsync(repository, manifest, "docker");

        await Registry.AssertManifestAsync(repository, "docker", manifest);
    }

    [TestCase(MediaType.OciIndex)]
    [TestCase(MediaType.DockerManifestList)]
    public async Task Index_is_accepted_when_its_children_exist(string indexType)
    {
        var repository = NewRepository();

        var (index, _) = await Registry.PushMultiPlatformAsync(repository, "multi", indexType);

        await Registry.AssertManifestAsync(repository, "multi", index);
        await Registry.AssertManifestAsync(repository, index.Digest, index);
    }

    [Test]
    public async Task Index_of_indexes_is_accepted()
    {
        var repository = NewRepository();
        var image = await Registry.PushImageAsync(repository);
        var inner = await Registry.PushManifestAsync(repository, Manifests.Index([Manifests.Descriptor(image)]));
        var outer = Manifests.Index([Manifests.Descriptor(inner)]);

        await Registry.PushManifestAsync(repository, outer, "nested");

        await Registry.AssertManifestAsync(repository, "nested", outer);
    }

    [Test]
    public async Task Index_with_a_missing_child_is_400_MANIFEST_BLOB_UNKNOWN()
    {
        var repository = NewRepository();
        var present = await Registry.PushImageAsync(repository);
        var missing = Manifests.Descriptor(MediaType.OciManifest, ContentDigest.Unknown(), 500);
        var index = Manifests.Index([Manifests.Descriptor(present), missing]);

        using var response = await Registry.PutManifestAsync(repository, "broken", index);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        await Registry.AssertNoManifestAsync(repository, "broken");
    }

    [Test]
    public async Task Image_manifest_referencing_a_missing_layer_is_400_MANIFEST_BLOB_UNKNOWN()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var present = await Registry.PushBlobAsync(repository);
        var manifest = Manifests.Image(config, present, TestBlob.Random());

        using var response = await Registry.PutManifestAsync(repository, "broken", manifest);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        await Registry.AssertNoManifestAsync(repository, "broken");
        await Registry.AssertNoManifestAsync(repository, manifest.Digest);
    }

    [Test]
    public async Task Image_manifest_referencing_a_missing_config_is_400_MANIFEST_BLOB_UNKNOWN()
    {
        var repository = NewRepository();
        var layer = await Registry.PushBlobAsync(repository);
        var manifest = Manifests.Image(TestBlob.Config(), layer);

        using var response = await Registry.PutManifestAsync(repository, "broken", manifest);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Test]
    public async Task Image_manifest_referencing_a_blob_of_another_repository_is_400_MANIFEST_BLOB_UNKNOWN()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var foreign = await Registry.PushBlobAsync(NewRepository());

        using var response = await Registry.PutManifestAsync(repository, "foreign", Manifests.Image(config, foreign));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [TestCase("{\"schemaVersion\": 2, \"mediaType\": ")]
    [TestCase("not json at all")]
    [TestCase("")]
    [TestCase("[]")]
    [TestCase("{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"config\": 5, \"layers\": []}")]
    [TestCase("{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"manifests\": {}}")]
    [TestCase("{\"schemaVersion\": 1, \"name\": \"x\", \"tag\": \"y\", \"fsLayers\": []}")]
    public async Task Invalid_manifest_is_400_MANIFEST_INVALID(string body)
    {
        var repository = NewRepository();
        await Registry.PushBlobAsync(repository);

        using var response = await Registry.PutManifestAsync(repository, "invalid", Encoding.UTF8.GetBytes(body), MediaType.OciManifest);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        await Registry.AssertNoManifestAsync(repository, "invalid");
    }

    [Test]
    public async Task Manifest_of_exactly_4_MiB_is_accepted()
    {
        var repository = NewRepository();
        var manifest = await PaddedImageAsync(repository, FourMiB);

        using var response = await Registry.PutManifestAsync(repository, "big", manifest);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        await Registry.AssertManifestAsync(repository, "big", manifest);
    }

    [Test]
    public async Task Manifest_over_4_MiB_is_refused_with_413()
    {
        var repository = NewRepository();
        var manifest = await PaddedImageAsync(repository, FourMiB + 1);

        using var response = await Registry.PutManifestAsync(repository, "huge", manifest);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await Registry.AssertNoManifestAsync(repository, "huge");
    }

    [Test]
    public async Task Manifest_over_4_MiB_sent_without_Content_Length_is_refused_with_413()
    {
        var repository = NewRepository();
        var manifest = await PaddedImageAsync(repository, FourMiB + 1);
        var body = new UnknownLengthContent(manifest.Content, 64 * 1024);
        body.Headers.TryAddWithoutValidation("Content-Type", manifest.MediaType);

        using var response = await Registry.SendAsync(HttpMethod.Put, RegistryClient.ManifestPath(repository, "huge"), body);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await Registry.AssertNoManifestAsync(repository, "huge");
    }

    [Test]
    public async Task Manifest_without_mediaType_takes_its_type_from_Content_Type()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var layer = await Registry.PushBlobAsync(repository);
        var json = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["config"] = Manifests.Descriptor(MediaType.OciConfig, config.Digest, config.Size),
            ["layers"] = new JsonArray(Manifests.Descriptor(MediaType.OciLayer, layer.Digest, layer.Size)),
        };
        var manifest = Manifests.Serialize(json, MediaType.OciManifest);

        await Registry.PushManifestAsync(repository, manifest, "untyped");

        await Registry.AssertManifestAsync(repository, "untyped", manifest);
    }

    [Test]
    public async Task Index_without_mediaType_is_served_as_an_OCI_index()
    {
        var repository = NewRepository();
        var image = await Registry.PushImageAsync(repository);
        var index = Manifests.Serialize(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(Manifests.Platform(image, "linux", "amd64")),
        }, MediaType.OciIndex);

        await Registry.PushManifestAsync(repository, index, "untyped-index");

        await Registry.AssertManifestAsync(repository, "untyped-index", index);
    }

    [Test]
    public async Task Artifact_with_a_subject_answers_201_with_OCI_Subject_even_when_the_subject_does_not_exist()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Text("{}"));
        var subject = Manifests.Descriptor(MediaType.OciManifest, ContentDigest.Unknown(), 1234);
        var artifact = Manifests.Artifact(subject, "application/vnd.example.sbom+json", config);

        using var response = await Registry.PutManifestAsync(repository, artifact.Digest, artifact);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        Assert.That(ResponseAssert.Header(response, "OCI-Subject"), Is.EqualTo(subject["digest"]!.GetValue<string>()));
        await Registry.AssertManifestAsync(repository, artifact.Digest, artifact);
    }

    [Test]
    public async Task Manifest_without_a_subject_answers_without_OCI_Subject()
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);

        using var response = await Registry.PutManifestAsync(repository, "plain", manifest);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        Assert.That(ResponseAssert.Header(response, "OCI-Subject"), Is.Null);
    }

    [TestCase("-leading-dash")]
    [TestCase(".leading-dot")]
    [TestCase("has+plus")]
    [TestCase("has%20space")]
    public async Task Put_and_get_with_an_invalid_tag_are_400(string tag)
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);

        using var put = await Registry.PutManifestAsync(repository, tag, manifest);
        using var get = await Registry.GetManifestAsync(repository, tag);

        await ResponseAssert.ErrorAsync(put, HttpStatusCode.BadRequest);
        await ResponseAssert.ErrorAsync(get, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Tag_of_129_characters_is_400_and_of_128_is_accepted()
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);

        using var tooLong = await Registry.PutManifestAsync(repository, new string('t', 129), manifest);
        using var longest = await Registry.PutManifestAsync(repository, new string('t', 128), manifest);

        await ResponseAssert.ErrorAsync(tooLong, HttpStatusCode.BadRequest);
        await ResponseAssert.StatusAsync(longest, HttpStatusCode.Created);
    }

    [Test]
    public async Task Pushing_a_tag_again_moves_it_to_the_new_manifest()
    {
        var repository = NewRepository();
        var first = await Registry.PushImageAsync(repository, "moving");
        var second = await Registry.PushImageAsync(repository, "moving");

        await Registry.AssertManifestAsync(repository, "moving", second);
        await Registry.AssertManifestAsync(repository, first.Digest, first);
    }

    [Test]
    public async Task Pushing_the_same_manifest_twice_is_accepted_both_times()
    {
        var repository = NewRepository();
        var manifest = await ImageOfNewBlobsAsync(repository);

        await Registry.PushManifestAsync(repository, manifest, "again");
        await Registry.PushManifestAsync(repository, manifest, "again");

        await Registry.AssertManifestAsync(repository, "again", manifest);
    }

    /// <summary>Pushes a config and a layer, and returns (without pushing) the image manifest of them.</summary>
    private async Task<TestManifest> ImageOfNewBlobsAsync(string repository)
    {
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var layer = await Registry.PushBlobAsync(repository);
        return Manifests.Image(config, layer);
    }

    /// <summary>An image manifest (its blobs pushed) padded by an annotation to exactly <paramref name="size"/> bytes.</summary>
    private async Task<TestManifest> PaddedImageAsync(string repository, int size)
    {
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var json = (JsonObject)JsonNode.Parse(Manifests.Image(config).Content)!;
        json["annotations"] = new JsonObject { ["padding"] = string.Empty };
        var unpadded = Manifests.Serialize(json, MediaType.OciManifest).Size;
        json["annotations"]!["padding"] = new string('p', size - (int)unpadded);
        var manifest = Manifests.Serialize(json, MediaType.OciManifest);
        Assert.That(manifest.Size, Is.EqualTo(size));
        return manifest;
    }
}
