namespace OciRegistry.Api.Tests;

/// <summary><c>DELETE /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c> by digest and by tag.</summary>
public sealed class ManifestDeleteTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Delete_by_digest_answers_202_and_the_manifest_and_its_tags_are_gone()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "first");
        await Registry.PushManifestAsync(repository, manifest, "second");
        var other = await Registry.PushImageAsync(repository, "other");

        using (var delete = await DeleteAsync(repository, manifest.Digest))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.AssertNoManifestAsync(repository, manifest.Digest);
        await Registry.AssertNoManifestAsync(repository, "first");
        await Registry.AssertNoManifestAsync(repository, "second");
        Assert.That(await Registry.GetTagsAsync(repository), Is.EqualTo(new[] { "other" }));
        await Registry.AssertManifestAsync(repository, "other", other);
    }

    [Test]
    public async Task Delete_by_tag_answers_202_and_removes_only_the_tag()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "keep");
        await Registry.PushManifestAsync(repository, manifest, "drop");

        using (var delete = await DeleteAsync(repository, "drop"))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.AssertNoManifestAsync(repository, "drop");
        await Registry.AssertManifestAsync(repository, manifest.Digest, manifest);
        await Registry.AssertManifestAsync(repository, "keep", manifest);
        Assert.That(await Registry.GetTagsAsync(repository), Is.EqualTo(new[] { "keep" }));
    }

    [Test]
    public async Task Delete_of_the_only_tag_leaves_the_manifest_reachable_by_digest()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "only");

        using (var delete = await DeleteAsync(repository, "only"))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.AssertManifestAsync(repository, manifest.Digest, manifest);
        Assert.That(await Registry.GetTagsAsync(repository), Is.Empty);
    }

    [Test]
    public async Task Delete_of_an_unknown_digest_is_404_MANIFEST_UNKNOWN()
    {
        var repository = NewRepository();
        await Registry.PushImageAsync(repository, "present");

        using var response = await DeleteAsync(repository, ContentDigest.Unknown());

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Test]
    public async Task Delete_of_an_unknown_tag_is_404_MANIFEST_UNKNOWN()
    {
        var repository = NewRepository();
        await Registry.PushImageAsync(repository, "present");

        using var response = await DeleteAsync(repository, "absent");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Test]
    public async Task Delete_in_a_repository_that_does_not_exist_is_404()
    {
        using var response = await DeleteAsync(NewRepository(), ContentDigest.Unknown());

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Deleted_manifest_can_be_pushed_again()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "back");
        using (var delete = await DeleteAsync(repository, manifest.Digest))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.PushManifestAsync(repository, manifest, "back");

        await Registry.AssertManifestAsync(repository, "back", manifest);
    }

    [Test]
    public async Task Blobs_of_a_deleted_manifest_stay_in_the_repository()
    {
        var repository = NewRepository();
        var config = await Registry.PushBlobAsync(repository, TestBlob.Config());
        var layer = await Registry.PushBlobAsync(repository);
        var manifest = await Registry.PushManifestAsync(repository, Manifests.Image(config, layer), "gone");

        using (var delete = await DeleteAsync(repository, manifest.Digest))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.AssertBlobAsync(repository, layer);
        await Registry.AssertBlobAsync(repository, config);
    }

    private Task<HttpResponseMessage> DeleteAsync(string repository, string reference) =>
        Registry.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, reference));
}
