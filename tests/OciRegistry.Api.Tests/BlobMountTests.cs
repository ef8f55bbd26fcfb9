namespace OciRegistry.Api.Tests;

/// <summary><c>POST /v2/&lt;name&gt;/blobs/uploads/?mount=&lt;digest&gt;[&amp;from=&lt;repository&gt;]</c>: cross-repository mounts.</summary>
public sealed class BlobMountTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Mount_from_a_repository_holding_the_blob_links_it_with_201()
    {
        var source = NewRepository();
        var target = NewRepository();
        var blob = await Registry.PushBlobAsync(source);

        using var response = await MountAsync(target, $"mount={blob.Digest}&from={Uri.EscapeDataString(source)}");

        await Registry.AssertBlobCreatedAsync(response, target, blob);
    }

    [Test]
    public async Task Mount_with_an_unencoded_query_as_the_dotnet_sdk_sends_it_links_the_blob()
    {
        var source = NewRepository("sdk/a/b");
        var target = NewRepository();
        var blob = await Registry.PushBlobAsync(source);

        using var response = await MountAsync(target, $"mount={blob.Digest}&from={source}");

        Assert.That(response.RequestMessage!.RequestUri!.Query, Does.Contain($"from={source}").And.Contain($"mount={blob.Digest}"), "the query went out unencoded");
        await Registry.AssertBlobCreatedAsync(response, target, blob);
    }

    [Test]
    public async Task Mount_from_a_repository_without_the_blob_starts_a_normal_upload_with_202()
    {
        var source = NewRepository();
        var target = NewRepository();
        await Registry.PushBlobAsync(source);
        var blob = TestBlob.Random();
        await Registry.PushBlobAsync(NewRepository(), blob);

        using var response = await MountAsync(target, $"mount={blob.Digest}&from={source}");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        var upload = Registry.Location(response);
        Assert.That(upload.AbsolutePath, Does.StartWith($"/v2/{target}/blobs/uploads/"));
        await Registry.AssertNoBlobAsync(target, blob.Digest);
        using var put = await Registry.PutUploadAsync(upload, blob.Digest, blob.Content);
        await Registry.AssertBlobCreatedAsync(put, target, blob);
    }

    [Test]
    public async Task Mount_from_a_repository_that_does_not_exist_starts_a_normal_upload_with_202()
    {
        var target = NewRepository();

        using var response = await MountAsync(target, $"mount={ContentDigest.Unknown()}&from={NewRepository()}");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        Assert.That(Registry.Location(response).AbsolutePath, Does.StartWith($"/v2/{target}/blobs/uploads/"));
    }

    [Test]
    public async Task Mount_without_from_links_a_blob_stored_in_any_repository()
    {
        var target = NewRepository();
        var blob = await Registry.PushBlobAsync(NewRepository());

        using var response = await MountAsync(target, $"mount={blob.Digest}");

        await Registry.AssertBlobCreatedAsync(response, target, blob);
    }

    [Test]
    public async Task Mount_without_from_of_a_blob_stored_nowhere_starts_a_normal_upload_with_202()
    {
        var target = NewRepository();
        var digest = ContentDigest.Unknown();

        using var response = await MountAsync(target, $"mount={digest}");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        Assert.That(Registry.Location(response).AbsolutePath, Does.StartWith($"/v2/{target}/blobs/uploads/"));
        await Registry.AssertNoBlobAsync(target, digest);
    }

    [Test]
    public async Task Mounted_blob_stays_when_the_source_repository_deletes_it()
    {
        var source = NewRepository();
        var target = NewRepository();
        var blob = await Registry.PushBlobAsync(source);
        using (var mount = await MountAsync(target, $"mount={blob.Digest}&from={source}"))
        {
            await ResponseAssert.StatusAsync(mount, HttpStatusCode.Created);
        }

        using (var delete = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(source, blob.Digest)))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.AssertBlobAsync(target, blob);
    }

    private Task<HttpResponseMessage> MountAsync(string repository, string query) =>
        Registry.SendAsync(HttpMethod.Post, new Uri(Registry.Address, $"{RegistryClient.UploadsPath(repository)}?{query}"));
}
