namespace OciRegistry.Api.Tests;

/// <summary><c>GET|HEAD|DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
public sealed class BlobTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Get_returns_the_bytes_with_their_digest_and_length()
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository, TestBlob.Random(1000));

        using var response = await Registry.GetAsync(RegistryClient.BlobPath(repository, blob.Digest));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            await ResponseAssert.BodyAsync(response, blob.Content);
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(blob.Digest));
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(blob.Size));
        });
    }

    [Test]
    public async Task Head_returns_the_length_and_digest_without_a_body()
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository, TestBlob.Random(1234));

        using var response = await Registry.SendAsync(HttpMethod.Head, RegistryClient.BlobPath(repository, blob.Digest));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(blob.Size));
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(blob.Digest));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
        });
    }

    [TestCase("bytes=10-19", 10, 10)]
    [TestCase("bytes=90-", 90, 10)]
    [TestCase("bytes=-5", 95, 5)]
    [TestCase("bytes=95-1000", 95, 5)]
    public async Task Range_get_returns_206_with_the_requested_bytes_and_Content_Range(string range, int start, int length)
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository, TestBlob.Random(100));

        using var response = await Registry.GetAsync(RegistryClient.BlobPath(repository, blob.Digest), ("Range", range));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.PartialContent);
        Assert.Multiple(async () =>
        {
            await ResponseAssert.BodyAsync(response, blob.Content.AsSpan(start, length).ToArray());
            Assert.That(ResponseAssert.Header(response, "Content-Range"), Is.EqualTo($"bytes {start}-{start + length - 1}/100"));
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(length));
        });
    }

    [TestCase("bytes=100-")]
    [TestCase("bytes=500-600")]
    public async Task Unsatisfiable_range_is_refused_with_416(string range)
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository, TestBlob.Random(100));

        using var response = await Registry.GetAsync(RegistryClient.BlobPath(repository, blob.Digest), ("Range", range));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable);
        Assert.That(ResponseAssert.Header(response, "Content-Range"), Is.EqualTo("bytes */100"));
    }

    [Test]
    public async Task Get_of_an_unknown_blob_is_404_BLOB_UNKNOWN()
    {
        var repository = NewRepository();
        await Registry.PushBlobAsync(repository);

        using var response = await Registry.GetAsync(RegistryClient.BlobPath(repository, ContentDigest.Unknown()));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Test]
    public async Task Get_in_a_repository_that_does_not_exist_is_404_BLOB_UNKNOWN()
    {
        using var response = await Registry.GetAsync(RegistryClient.BlobPath(NewRepository(), ContentDigest.Unknown()));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Test]
    public async Task Head_of_an_unknown_blob_is_404_without_a_body()
    {
        using var response = await Registry.SendAsync(HttpMethod.Head, RegistryClient.BlobPath(NewRepository(), ContentDigest.Unknown()));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.NotFound);
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [TestCase("sha256:abc")]
    [TestCase("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [TestCase("nodigest")]
    [TestCase("sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase("md5:d41d8cd98f00b204e9800998ecf8427e")]
    public async Task Get_with_an_invalid_digest_is_400_DIGEST_INVALID(string digest)
    {
        using var response = await Registry.GetAsync(RegistryClient.BlobPath(NewRepository(), digest));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Test]
    public async Task Blob_pushed_under_a_sha512_digest_is_served_by_it()
    {
        var repository = NewRepository();
        var content = TestBlob.Random(300).Content;
        var digest = ContentDigest.Sha512(content);
        using (var push = await Registry.PostBlobAsync(repository, content, digest))
        {
            await ResponseAssert.StatusAsync(push, HttpStatusCode.Created);
        }

        await Registry.AssertBlobAsync(repository, new TestBlob(content), digest);
    }

    [Test]
    public async Task Delete_answers_202_and_the_blob_is_gone()
    {
        var repository = NewRepository();
        var blob = await Registry.PushBlobAsync(repository);

        using (var delete = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(repository, blob.Digest)))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        using var get = await Registry.GetAsync(RegistryClient.BlobPath(repository, blob.Digest));
        await ResponseAssert.ErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Test]
    public async Task Delete_of_an_unknown_blob_is_404_BLOB_UNKNOWN()
    {
        var repository = NewRepository();
        await Registry.PushBlobAsync(repository);

        using var response = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(repository, ContentDigest.Unknown()));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Test]
    public async Task Delete_in_one_repository_leaves_the_blob_in_another()
    {
        var first = NewRepository();
        var second = NewRepository();
        var blob = await Registry.PushBlobAsync(first);
        await Registry.PushBlobAsync(second, blob);

        using (var delete = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(first, blob.Digest)))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        await Registry.AssertBlobAsync(second, blob);
    }

    [Test]
    public async Task Blob_of_another_repository_is_not_visible_in_this_one()
    {
        var owner = NewRepository();
        var other = NewRepository();
        var blob = await Registry.PushBlobAsync(owner);
        await Registry.PushBlobAsync(other);

        using var get = await Registry.GetAsync(RegistryClient.BlobPath(other, blob.Digest));
        using var head = await Registry.SendAsync(HttpMethod.Head, RegistryClient.BlobPath(other, blob.Digest));

        await ResponseAssert.ErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        await ResponseAssert.StatusAsync(head, HttpStatusCode.NotFound);
    }
}
