namespace OciRegistry.Api.Tests;

/// <summary>
/// <c>POST /v2/&lt;name&gt;/blobs/uploads/</c> and <c>GET|PATCH|PUT|DELETE</c> on the upload's location:
/// monolithic, streamed and chunked pushes, and how failures leave nothing visible.
/// </summary>
public sealed class BlobUploadTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Post_starts_an_upload_with_Location_uuid_and_Range()
    {
        var repository = NewRepository();

        using var response = await Registry.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        var location = Registry.Location(response);
        var uuid = ResponseAssert.RequiredHeader(response, "Docker-Upload-UUID");
        Assert.Multiple(() =>
        {
            Assert.That(location.AbsolutePath, Does.StartWith($"/v2/{repository}/blobs/uploads/"));
            Assert.That(location.AbsolutePath, Does.Contain(uuid));
            Assert.That(ResponseAssert.Header(response, "Range"), Is.EqualTo("0-0"));
        });
    }

    [Test]
    public async Task Post_with_digest_and_body_stores_the_blob_in_one_request()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(5000);

        using var response = await Registry.PostBlobAsync(repository, blob.Content, blob.Digest);

        await Registry.AssertBlobCreatedAsync(response, repository, blob);
    }

    [Test]
    public async Task Post_with_wrong_digest_is_refused_and_nothing_becomes_visible()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random();
        var claimed = ContentDigest.Unknown();

        using var response = await Registry.PostBlobAsync(repository, blob.Content, claimed);

        await AssertRefusedAndInvisibleAsync(response, repository, claimed, blob.Digest);
    }

    [Test]
    public async Task Patch_streamed_without_Content_Range_then_put_with_digest_stores_the_blob()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(100_000);
        var upload = await Registry.StartUploadAsync(repository);

        upload = await Registry.SendChunksAsync(upload, blob, withContentRange: false, (0, 99_999));
        using var put = await Registry.PutUploadAsync(upload, blob.Digest);

        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Chunks_sent_in_order_are_accepted_and_each_reports_the_range_received(bool withContentRange)
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(25_000);
        var upload = await Registry.StartUploadAsync(repository);

        upload = await Registry.SendChunksAsync(upload, blob, withContentRange, (0, 9_999), (10_000, 19_999), (20_000, 24_999));
        using var put = await Registry.PutUploadAsync(upload, blob.Digest);

        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }

    [Test]
    public async Task Chunk_out_of_order_is_refused_with_416_and_the_current_range_and_the_upload_goes_on()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(30);
        var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), blob, withContentRange: true, (0, 9));

        foreach (var (start, end) in new[] { (20, 29), (0, 9), (5, 14) })
        {
            using var refused = await Registry.PatchAsync(upload, blob.Content[start..(end + 1)], $"{start}-{end}");
            await ResponseAssert.ErrorAsync(refused, HttpStatusCode.RequestedRangeNotSatisfiable);
            Assert.That(ResponseAssert.Header(refused, "Range"), Is.EqualTo("0-9"), $"Range after the refused chunk {start}-{end}");
        }

        upload = await Registry.SendChunksAsync(upload, blob, withContentRange: true, (10, 29));
        using var put = await Registry.PutUploadAsync(upload, blob.Digest);
        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }

    [Test]
    public async Task Get_upload_status_is_204_with_Range_and_Location()
    {
        var repository = NewRepository();
        var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), TestBlob.Random(42), withContentRange: true, (0, 41));

        using var status = await Registry.SendAsync(HttpMethod.Get, upload);

        await ResponseAssert.StatusAsync(status, HttpStatusCode.NoContent);
        Assert.Multiple(() =>
        {
            Assert.That(ResponseAssert.Header(status, "Range"), Is.EqualTo("0-41"));
            Assert.That(Registry.Location(status).AbsolutePath, Is.EqualTo(upload.AbsolutePath));
            Assert.That(ResponseAssert.Header(status, "Docker-Upload-UUID"), Is.Not.Null);
        });
    }

    [Test]
    public async Task Get_status_of_a_fresh_upload_reports_nothing_received()
    {
        var upload = await Registry.StartUploadAsync(NewRepository());

        using var status = await Registry.SendAsync(HttpMethod.Get, upload);

        await ResponseAssert.StatusAsync(status, HttpStatusCode.NoContent);
        Assert.That(ResponseAssert.Header(status, "Range"), Is.EqualTo("0-0"));
    }

    [TestCase(null)]
    [TestCase("1500-1999")]
    public async Task Put_with_the_final_chunk_in_the_body_completes_the_upload(string? contentRange)
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(2000);
        var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), blob, withContentRange: true, (0, 1499));

        using var put = await Registry.PutUploadAsync(upload, blob.Digest, blob.Content[1500..], contentRange);

        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }

    [Test]
    public async Task Post_then_put_with_the_whole_blob_completes_the_upload()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(3000);
        var upload = await Registry.StartUploadAsync(repository);

        using var put = await Registry.PutUploadAsync(upload, blob.Digest, blob.Content);

        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }

    [Test]
    public async Task Put_without_digest_is_400_DIGEST_INVALID()
    {
        var repository = NewRepository();
        var upload = await Registry.StartUploadAsync(repository);

        using var put = await Registry.PutUploadAsync(upload, digest: null, TestBlob.Random().Content);

        await ResponseAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Test]
    public async Task Put_with_wrong_digest_is_refused_and_nothing_becomes_visible()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(500);
        var claimed = ContentDigest.Unknown();
        var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), blob, withContentRange: true, (0, 499));

        using var put = await Registry.PutUploadAsync(upload, claimed);

        await AssertRefusedAndInvisibleAsync(put, repository, claimed, blob.Digest);
    }

    [Test]
    public async Task Delete_cancels_the_upload_and_its_status_becomes_404()
    {
        var repository = NewRepository();
        var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), TestBlob.Random(10), withContentRange: true, (0, 9));

        using (var delete = await Registry.SendAsync(HttpMethod.Delete, upload))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        }

        using var status = await Registry.SendAsync(HttpMethod.Get, upload);
        await ResponseAssert.ErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [TestCase("3f9e6d1c-2b7a-4c5e-9d8f-0a1b2c3d4e5f")]
    [TestCase("not-an-upload")]
    [TestCase("00000000000000000000000000000000")]
    public async Task Unknown_upload_id_is_404_BLOB_UPLOAD_UNKNOWN_for_every_method(string id)
    {
        var repository = NewRepository();
        await Registry.PushBlobAsync(repository);
        var upload = Registry.Resolve(RegistryClient.UploadsPath(repository) + id);
        var digest = TestBlob.Empty.Digest;

        using var get = await Registry.SendAsync(HttpMethod.Get, upload);
        using var patch = await Registry.PatchAsync(upload, [1, 2, 3], "0-2");
        using var put = await Registry.PutUploadAsync(upload, digest);
        using var delete = await Registry.SendAsync(HttpMethod.Delete, upload);

        foreach (var response in new[] { get, patch, put, delete })
        {
            await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }
    }

    [Test]
    public async Task Upload_of_one_repository_cannot_be_continued_in_another()
    {
        var owner = NewRepository();
        var other = NewRepository();
        var upload = await Registry.StartUploadAsync(owner);
        var foreign = Registry.Resolve(upload.PathAndQuery.Replace($"/v2/{owner}/", $"/v2/{other}/", StringComparison.Ordinal));

        using var status = await Registry.SendAsync(HttpMethod.Get, foreign);

        await ResponseAssert.ErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Test]
    public async Task Completed_upload_is_gone()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random();
        var upload = await Registry.StartUploadAsync(repository);
        using (var put = await Registry.PutUploadAsync(upload, blob.Digest, blob.Content))
        {
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created);
        }

        using var status = await Registry.SendAsync(HttpMethod.Get, upload);

        await ResponseAssert.ErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Test]
    public async Task Empty_blob_is_stored_by_a_monolithic_post()
    {
        var repository = NewRepository();

        using var response = await Registry.PostBlobAsync(repository, [], TestBlob.Empty.Digest);

        await Registry.AssertBlobCreatedAsync(response, repository, TestBlob.Empty);
    }

    [Test]
    public async Task Empty_blob_is_stored_by_an_upload_completed_without_a_body()
    {
        var repository = NewRepository();
        var upload = await Registry.StartUploadAsync(repository);

        using var put = await Registry.PutUploadAsync(upload, TestBlob.Empty.Digest);

        await Registry.AssertBlobCreatedAsync(put, repository, TestBlob.Empty);
    }

    [Test]
    public async Task Location_honours_X_Forwarded_Proto_and_X_Forwarded_Host()
    {
        var repository = NewRepository();

        using var response = await Registry.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository), null,
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "registry.example.com:8443"));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        var location = response.Headers.Location;
        Assert.That(location, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(location!.IsAbsoluteUri, Is.True, location.ToString());
            Assert.That(location.Scheme, Is.EqualTo("https"));
            Assert.That(location.Authority, Is.EqualTo("registry.example.com:8443"));
            Assert.That(location.AbsolutePath, Does.StartWith($"/v2/{repository}/blobs/uploads/"));
        });
    }

    [Test]
    public async Task Location_is_absolute_on_this_host_and_following_it_completes_the_upload()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(700);
        using var post = await Registry.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository));
        await ResponseAssert.StatusAsync(post, HttpStatusCode.Accepted);
        var location = post.Headers.Location;

        Assert.That(location, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(location!.IsAbsoluteUri, Is.True, location.ToString());
            Assert.That(location.Authority, Is.EqualTo(Registry.Address.Authority));
        });
        using var put = await Registry.PutUploadAsync(location!, blob.Digest, blob.Content);
        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }

    /// <summary>A digest mismatch is 400 DIGEST_INVALID, and the blob is visible under neither the claimed nor the actual digest.</summary>
    private async Task AssertRefusedAndInvisibleAsync(HttpResponseMessage response, string repository, string claimed, string actual)
    {
        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        await Registry.AssertNoBlobAsync(repository, claimed);
        await Registry.AssertNoBlobAsync(repository, actual);
    }
}
