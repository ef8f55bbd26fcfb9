using System.Text;
using OciRegistry.Api.Tests.Auth;

namespace OciRegistry.Api.Tests.Hardening;

/// <summary>
/// Hostile input, each kind the issue lists: names and references outside the grammar, path traversal in every
/// spelling, oversized and deeply nested manifests, blobs over the size limit, unknown digest algorithms, a
/// Content-Range or Content-Length that lies. Each is refused with a 4xx and the OCI error body, and storage holds
/// nothing the refused request would have written.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HostileInputTests
{
    private const int MaxBlobBytes = 4096;
    private AuthenticatedRegistry registry = null!;
    private string existing = null!;
    private TestManifest existingManifest = null!;

    private RegistryClient Client => registry.Client;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        registry = await AuthenticatedRegistry.StartAsync(o =>
        {
            o.Limits.MaxBlobBytes = MaxBlobBytes;
            o.MaxManifestBytes = 64 * 1024;
        });
        existing = $"hostile/{Guid.NewGuid():N}";
        existingManifest = await Client.PushImageAsync(existing, "v1");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await registry.DisposeAsync();

    private static readonly string Marker = "pwned" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// Request targets written as a hostile client sends them, not as HttpClient would normalise them. (Kestrel removes
    /// dot segments first, as RFC 3986 says, so <c>/v2/a/./b/...</c> is the valid name <c>a/b</c>, not listed here.)
    /// </summary>
    public static IEnumerable<string> TraversalTargets()
    {
        var d = "sha256:" + new string('a', 64);
        foreach (var name in new[]
                 {
                     $"../../{Marker}", $"a/../../{Marker}", $"%2e%2e/%2e%2e/{Marker}", $"a/%2E%2E/%2E%2E/{Marker}", $"a%2f..%2f..%2f{Marker}",
                     $"..%2f..%2f{Marker}", $"a/..%5c..%5c{Marker}", $"a\\..\\..\\{Marker}", $"a/%00/{Marker}", $"a%00{Marker}",
                     $"/{Marker}", $"a//{Marker}", $".{Marker}", $"a/.{Marker}", $"%252e%252e/{Marker}", $"~oci-tmp/{Marker}",
                     $"a/~oci-tmp/{Marker}", $"{Marker}/_uploads", $"{Marker}/_manifests", $"{Marker}/_layers",
                     new string('a', 300), string.Join('/', Enumerable.Repeat("a", 200)), new string('a', 5000), $"%c0%ae%c0%ae/{Marker}", $"a/\u2025/{Marker}",
                 })
        {
            yield return $"/v2/{name}/manifests/latest";
            yield return $"/v2/{name}/blobs/{d}";
            yield return $"/v2/{name}/blobs/uploads/";
            yield return $"/v2/{name}/tags/list";
        }

        foreach (var reference in new[]
                 {
                     $"..%2f..%2f{Marker}", $"%2e%2e", "..", $"sha256:..%2f..%2f{Marker}", $"sha256:../../{Marker}", $"{Marker}%00", $"a\\..\\{Marker}",
                     new string('t', 129), new string('t', 5000), "-tag", ".tag", $"sha256:{new string('A', 64)}", "sha256:" + new string('a', 63),
                 })
        {
            yield return $"/v2/team/app/manifests/{reference}";
            yield return $"/v2/team/app/blobs/{reference}";
            yield return $"/v2/team/app/blobs/uploads/{reference}";
            yield return $"/v2/team/app/referrers/{reference}";
        }
    }

    [Test]
    public async Task Path_traversal_in_any_spelling_is_refused_and_writes_nothing_anywhere()
    {
        var manifest = Manifests.Image(TestBlob.Config(), TestBlob.Random());
        var outside = Path.GetDirectoryName(Path.GetFullPath(registry.Root))!;
        foreach (var target in TraversalTargets())
        {
            foreach (var method in new[] { "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE" })
            {
                var body = method is "PUT" or "PATCH" or "POST" ? manifest.Content : null;
                var headers = method == "PUT" ? new[] { ("Content-Type", manifest.MediaType) } : [];
                var response = await registry.UnchangedAsync($"{method} {target}", () => RawHttp.SendAsync(registry.Address, method, target, body, headers: headers));
                Assert.That(response.Status, Is.InRange(400, 499), $"{method} {target}: {response.Head}");
            }
        }

        var escaped = Directory.EnumerateFileSystemEntries(outside, "*" + Marker + "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 6, IgnoreInaccessible = true });
        Assert.That(escaped, Is.Empty, "nothing named by a request may appear outside the storage root");
    }

    [TestCase("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [TestCase("sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [TestCase("sha256+b64u:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU")]
    [TestCase("SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [TestCase("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [TestCase("sha512:abc")]
    [TestCase("blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")]
    [TestCase(":e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public async Task Unknown_digest_algorithms_and_malformed_digests_are_refused_everywhere(string digest)
    {
        var escaped = Uri.EscapeDataString(digest);
        var requests = new (HttpMethod Method, string Path, HttpContent? Body)[]
        {
            (HttpMethod.Get, RegistryClient.BlobPath(existing, escaped), null),
            (HttpMethod.Head, RegistryClient.BlobPath(existing, escaped), null),
            (HttpMethod.Delete, RegistryClient.BlobPath(existing, escaped), null),
            (HttpMethod.Get, RegistryClient.ReferrersPath(existing, escaped), null),
            (HttpMethod.Post, $"{RegistryClient.UploadsPath(existing)}?digest={escaped}", RegistryClient.Bytes([])),
            (HttpMethod.Post, $"{RegistryClient.UploadsPath(existing)}?mount={escaped}&from={existing}", null),
        };
        foreach (var (method, path, body) in requests)
        {
            using var response = await registry.UnchangedAsync($"{method} {path}", () => Client.SendAsync(method, path, body));
            Assert.That((int)response.StatusCode, Is.InRange(400, 499), $"{method} {path}");
        }

        var upload = await Client.StartUploadAsync(existing);
        using var put = await registry.UnchangedAsync("PUT ?digest", () => Client.PutUploadAsync(upload, digest, [1, 2, 3]));
        await ResponseAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Test]
    public async Task Deeply_nested_manifest_json_is_400_MANIFEST_INVALID()
    {
        foreach (var depth in new[] { 65, 1000, 30_000 })
        {
            var json = $"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"annotations\":{{\"a\":{new string('[', depth)}{new string(']', depth)}}}}}";
            using var response = await registry.UnchangedAsync($"depth {depth}",
                () => Client.PutManifestAsync(existing, "nested", Encoding.UTF8.GetBytes(json), MediaType.OciManifest));
            await ResponseAssert.ErrorAsync(response, depth * 2 > 64 * 1024 ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest);
        }
    }

    [Test]
    public async Task Manifest_over_the_limit_is_413_with_or_without_Content_Length()
    {
        var big = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"annotations\":{{\"a\":\"{new string('x', 70 * 1024)}\"}}}}");
        using var declared = await registry.UnchangedAsync("declared", () => Client.PutManifestAsync(existing, "big", big, MediaType.OciManifest));
        await ResponseAssert.ErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");

        var streamed = new UnknownLengthContent(big);
        streamed.Headers.TryAddWithoutValidation("Content-Type", MediaType.OciManifest);
        using var chunked = await registry.UnchangedAsync("chunked", () => Client.SendAsync(HttpMethod.Put, RegistryClient.ManifestPath(existing, "big"), streamed));
        await ResponseAssert.ErrorAsync(chunked, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");
    }

    [Test]
    public async Task Monolithic_blob_over_the_limit_is_413_and_leaves_nothing()
    {
        var blob = TestBlob.Random(MaxBlobBytes + 1);

        using var declared = await registry.UnchangedAsync("declared", () => Client.PostBlobAsync(existing, blob.Content, blob.Digest));
        await ResponseAssert.ErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");

        var streamed = new UnknownLengthContent(blob.Content);
        using var chunked = await registry.UnchangedAsync("chunked",
            () => Client.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(existing)}?digest={blob.Digest}", streamed));
        await ResponseAssert.ErrorAsync(chunked, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");

        var atLimit = TestBlob.Random(MaxBlobBytes);
        await Client.PushBlobAsync(existing, atLimit);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Chunked_upload_growing_past_the_limit_is_413_and_the_upload_is_deleted(bool withContentRange)
    {
        var blob = TestBlob.Random(MaxBlobBytes + 100);
        var upload = await Client.StartUploadAsync(existing);
        var before = registry.Snapshot();
        upload = await Client.SendChunksAsync(upload, blob, withContentRange, (0, 2999));

        using var over = await Client.PatchAsync(upload, blob.Content[3000..], withContentRange ? $"3000-{blob.Size - 1}" : null);

        await ResponseAssert.ErrorAsync(over, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");
        await AssertUploadGoneAsync(upload);
        AssertNoUploadsLeft(before);
    }

    [TestCase(100, 50, TestName = "Content_Range_announcing_more_than_the_body_deletes_the_upload")]
    [TestCase(50, 100, TestName = "Content_Range_announcing_less_than_the_body_deletes_the_upload")]
    public async Task Content_Range_that_lies(int announced, int sent)
    {
        var upload = await Client.StartUploadAsync(existing);
        var before = registry.Snapshot();

        // No Content-Length (a chunked body): only the registry can notice the lie.
        var body = new UnknownLengthContent(TestBlob.Random(sent).Content);
        using var response = await Client.SendAsync(HttpMethod.Patch, upload, body, ("Content-Range", $"0-{announced - 1}"));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        await AssertUploadGoneAsync(upload);
        AssertNoUploadsLeft(before);
    }

    [Test]
    public async Task Body_shorter_than_Content_Length_stores_nothing()
    {
        var blob = TestBlob.Random(100);
        var before = registry.Snapshot();

        var response = await RawHttp.SendAsync(registry.Address, "POST", $"{RegistryClient.UploadsPath(existing)}?digest={blob.Digest}",
            blob.Content[..50], contentLength: 100, closeAfterBody: true);

        Assert.That(response.Status, Is.EqualTo(0).Or.InRange(400, 499), response.Head);
        await WaitUntilUnchangedAsync(before, "a monolithic upload cut short");
    }

    [Test]
    public async Task Body_longer_than_Content_Length_stores_only_the_announced_bytes()
    {
        var blob = TestBlob.Random(100);
        var longer = blob.Content.Concat(Encoding.ASCII.GetBytes("GARBAGE AFTER THE BODY\r\n\r\n")).ToArray();

        var response = await RawHttp.SendAsync(registry.Address, "POST", $"{RegistryClient.UploadsPath(existing)}?digest={blob.Digest}", longer, contentLength: 100);

        Assert.That(response.Status, Is.EqualTo(201), response.Head);
        using var get = await Client.GetAsync(RegistryClient.BlobPath(existing, blob.Digest));
        await ResponseAssert.BodyAsync(get, blob.Content);

        var other = TestBlob.Random(100);
        var before = registry.Snapshot();
        var mismatch = await RawHttp.SendAsync(registry.Address, "POST", $"{RegistryClient.UploadsPath(existing)}?digest={other.Digest}",
            [.. other.Content, .. other.Content], contentLength: 150);
        Assert.That(mismatch.Status, Is.EqualTo(400), mismatch.Head);
        before.AssertUnchanged(registry.Root, "a digest over more bytes than Content-Length");
    }

    private async Task AssertUploadGoneAsync(Uri upload)
    {
        using var status = await Client.SendAsync(HttpMethod.Get, upload);
        await ResponseAssert.ErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    /// <summary>The snapshot taken while the upload was open minus that upload: nothing else new, nothing blob-like.</summary>
    private void AssertNoUploadsLeft(StorageSnapshot before)
    {
        var now = registry.Snapshot();
        Assert.That(now.Paths.Except(before.Paths), Is.Empty, "nothing new in storage");
        Assert.That(now.Paths.Count(p => p.Contains("_uploads", StringComparison.Ordinal) || p.Contains("appends", StringComparison.Ordinal)),
            Is.LessThan(before.Paths.Count(p => p.Contains("_uploads", StringComparison.Ordinal) || p.Contains("appends", StringComparison.Ordinal))), "the upload is deleted");
    }

    /// <summary>A cut request is noticed by the server a moment after the client gives up: wait for its cleanup.</summary>
    private async Task WaitUntilUnchangedAsync(StorageSnapshot before, string what)
    {
        for (var attempt = 0; attempt < 100 && before.Difference(registry.Root) is not null; attempt++)
        {
            await Task.Delay(200);
        }

        before.AssertUnchanged(registry.Root, what);
    }
}
