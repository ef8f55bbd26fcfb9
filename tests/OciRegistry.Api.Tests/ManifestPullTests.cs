namespace OciRegistry.Api.Tests;

/// <summary><c>GET|HEAD /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>, including content negotiation for indexes.</summary>
public sealed class ManifestPullTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Get_by_tag_and_by_digest_returns_the_exact_bytes_sent()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var layer = await Registry.PushBlobAsync(repository);
        // Key order, spacing, tabs and CRLF no serializer would produce: the registry must not re-encode.
        var manifest = TestManifest.FromText(
            $"{{\r\n  \"layers\" : [ {{ \"size\":{layer.Size},\t\"digest\": \"{layer.Digest}\", \"mediaType\":\"{MediaType.OciLayer}\" }} ],\n" +
            $"\t\"config\":{{\"digest\":\"{config.Digest}\",\"size\":{config.Size},\"mediaType\":\"{MediaType.OciConfig}\"}},\n" +
            $"   \"mediaType\":   \"{MediaType.OciManifest}\", \"schemaVersion\" :2 ,\"annotations\":{{\"z\":\"\\u00e9t\\u00e9\",\"a\":\"1\"}}  }}\n\n",
            MediaType.OciManifest);

        await Registry.PushManifestAsync(repository, manifest, "odd");

        await Registry.AssertManifestAsync(repository, "odd", manifest);
        await Registry.AssertManifestAsync(repository, manifest.Digest, manifest);
    }

    [Test]
    public async Task Head_by_tag_and_by_digest_returns_digest_type_and_length_without_a_body()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "head");

        foreach (var reference in new[] { "head", manifest.Digest })
        {
            using var response = await Registry.SendAsync(HttpMethod.Head, RegistryClient.ManifestPath(repository, reference), null,
                ("Accept", MediaType.OciManifest));

            await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
            Assert.Multiple(async () =>
            {
                Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(manifest.Digest), reference);
                Assert.That(ResponseAssert.Header(response, "Content-Type"), Is.EqualTo(MediaType.OciManifest), reference);
                Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(manifest.Size), reference);
                Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty, reference);
            });
        }
    }

    [Test]
    public async Task Get_of_an_unknown_tag_is_404_MANIFEST_UNKNOWN()
    {
        var repository = NewRepository();
        await Registry.PushImageAsync(repository, "known");

        await Registry.AssertNoManifestAsync(repository, "unknown");
    }

    [Test]
    public async Task Get_of_an_unknown_digest_is_404_MANIFEST_UNKNOWN()
    {
        var repository = NewRepository();
        await Registry.PushImageAsync(repository, "known");

        await Registry.AssertNoManifestAsync(repository, ContentDigest.Unknown());
    }

    [Test]
    public async Task Get_of_a_blob_digest_as_a_manifest_is_404_MANIFEST_UNKNOWN()
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository, TestBlob.Text("{\"schemaVersion\":2}"));

        await Registry.AssertNoManifestAsync(repository, blob.Digest);
    }

    [Test]
    public async Task Head_of_an_unknown_manifest_is_404_without_a_body()
    {
        using var response = await Registry.SendAsync(HttpMethod.Head, RegistryClient.ManifestPath(NewRepository(), "missing"));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.NotFound);
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task Get_in_a_repository_that_does_not_exist_is_404()
    {
        using var response = await Registry.GetManifestAsync(NewRepository(), "latest");

        var errors = await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound);
        Assert.That(errors.Select(e => e.Code), Has.Some.AnyOf("MANIFEST_UNKNOWN", "NAME_UNKNOWN"));
    }

    [Test]
    public async Task Manifest_of_another_repository_is_not_visible_in_this_one()
    {
        var owner = NewRepository();
        var other = NewRepository();
        var manifest = await Registry.PushImageAsync(owner, "shared-tag");
        await Registry.PushImageAsync(other, "own");

        await Registry.AssertNoManifestAsync(other, manifest.Digest);
        await Registry.AssertNoManifestAsync(other, "shared-tag");
    }

    [Test]
    public async Task Get_with_an_invalid_digest_reference_is_400()
    {
        using var response = await Registry.GetManifestAsync(NewRepository(), "sha256:1234");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Tag_of_an_index_asked_for_with_only_the_image_manifest_type_serves_the_linux_amd64_child()
    {
        var repository = NewRepository();
        var (index, amd64) = await Registry.PushMultiPlatformAsync(repository, "multi");

        using var response = await Registry.GetManifestAsync(repository, "multi", MediaType.OciManifest);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            await ResponseAssert.BodyAsync(response, amd64.Content);
            Assert.That(ResponseAssert.Header(response, "Content-Type"), Is.EqualTo(MediaType.OciManifest));
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(amd64.Digest));
        });
        Assert.That(amd64.Digest, Is.Not.EqualTo(index.Digest));
    }

    [Test]
    public async Task Tag_of_an_index_asked_for_with_the_index_type_serves_the_index()
    {
        var repository = NewRepository();
        var (index, _) = await Registry.PushMultiPlatformAsync(repository, "multi");

        await Registry.AssertManifestAsync(repository, "multi", index);
        using var wildcard = await Registry.GetManifestAsync(repository, "multi", "*/*");
        await ResponseAssert.BodyAsync(wildcard, index.Content);
    }

    [Test]
    public async Task Digest_of_an_index_always_serves_the_index()
    {
        var repository = NewRepository();
        var (index, _) = await Registry.PushMultiPlatformAsync(repository, "multi");

        using var response = await Registry.GetManifestAsync(repository, index.Digest, MediaType.OciManifest);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        await ResponseAssert.BodyAsync(response, index.Content);
    }
}
