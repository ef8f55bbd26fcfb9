using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests;

/// <summary>A registry with <c>Storage.DeleteEnabled = false</c>: every DELETE of content is refused and nothing goes.</summary>
public sealed class DeletesDisabledTests(RegistryTarget target) : RegistryApiTest(target)
{
    protected override void ConfigureRegistry(OciRegistryOptions options) => options.Storage.DeleteEnabled = false;

    [Test]
    public async Task Manifest_delete_by_digest_is_405_UNSUPPORTED_and_the_manifest_stays()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "kept");

        using var response = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, manifest.Digest));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        await Registry.AssertManifestAsync(repository, manifest.Digest, manifest);
        await Registry.AssertManifestAsync(repository, "kept", manifest);
    }

    [Test]
    public async Task Manifest_delete_by_tag_is_405_UNSUPPORTED_and_the_tag_stays()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "kept");

        using var response = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, "kept"));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        await Registry.AssertManifestAsync(repository, "kept", manifest);
    }

    [Test]
    public async Task Blob_delete_is_405_UNSUPPORTED_and_the_blob_stays()
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository);

        using var response = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(repository, blob.Digest));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        await Registry.AssertBlobAsync(repository, blob);
    }

    [Test]
    public async Task Upload_can_still_be_cancelled()
    {
        var upload = await Registry.StartUploadAsync(NewRepository());

        using var response = await Registry.SendAsync(HttpMethod.Delete, upload);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.NoContent);
    }
}
