using System.Net.Http.Headers;
using System.Text.Json;

namespace OciRegistry.Api.Tests.Client;

/// <summary>
/// The tests' one way to talk to the registry: raw requests for the endpoint under test, and the pushes a test
/// needs as its setup (blobs, images, manifests), each asserting its own success.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly HttpClient http;

    public RegistryClient(Uri address)
    {
        Address = address;
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = address,
            // A hang detector, not a speed check: requests to S3/Azure-backed hosts on a loaded two-core CI machine.
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    /// <summary>The registry's base address.</summary>
    public Uri Address { get; }

    /// <summary>The <c>Authorization</c> sent with every request from now on; <c>null</c> sends none.</summary>
    public AuthenticationHeaderValue? Authorization
    {
        get => http.DefaultRequestHeaders.Authorization;
        set => http.DefaultRequestHeaders.Authorization = value;
    }

    public static string BlobPath(string repository, string digest) => $"/v2/{repository}/blobs/{digest}";

    public static string UploadsPath(string repository) => $"/v2/{repository}/blobs/uploads/";

    public static string ManifestPath(string repository, string reference) => $"/v2/{repository}/manifests/{reference}";

    public static string TagsPath(string repository) => $"/v2/{repository}/tags/list";

    public static string ReferrersPath(string repository, string digest) => $"/v2/{repository}/referrers/{digest}";

    /// <summary>Resolves a path or a <c>Location</c> (relative or absolute) against the registry.</summary>
    public Uri Resolve(string url) => new(Address, url);

    /// <summary>The <c>Location</c> of <paramref name="response"/>, asserted present and resolved against the registry.</summary>
    public Uri Location(HttpResponseMessage response)
    {
        Assert.That(response.Headers.Location, Is.Not.Null, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: Location");
        return response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location : new Uri(Address, response.Headers.Location);
    }

    /// <summary>Sends a request; <paramref name="headers"/> go to the request or, for content headers, to its content.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content = null, params (string Name, string Value)[] headers) =>
        SendAsync(method, Resolve(url), content, headers);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && content?.Headers.TryAddWithoutValidation(name, value) != true)
            {
                throw new ArgumentException($"Header {name} cannot be sent on this request.", nameof(headers));
            }
        }

        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string url, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Get, url, null, headers);

    /// <summary>Reads the string array <paramref name="property"/> of a JSON listing (tags, repositories).</summary>
    public static async Task<List<string>> ReadListAsync(HttpResponseMessage response, string property)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.That(document.RootElement.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array, Is.True,
            $"the listing must have a '{property}' array: {document.RootElement.GetRawText()}");
        return [.. document.RootElement.GetProperty(property).EnumerateArray().Select(item => item.GetString()!)];
    }

    /// <summary>The repository's tags, asserting 200.</summary>
    public async Task<List<string>> GetTagsAsync(string repository)
    {
        using var response = await GetAsync(TagsPath(repository));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        return await ReadListAsync(response, "tags");
    }

    /// <summary>A body of raw bytes, typed as a blob.</summary>
    public static ByteArrayContent Bytes(byte[] content, string contentType = "application/octet-stream")
    {
        var body = new ByteArrayContent(content);
        body.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return body;
    }

    /// <summary><c>POST .../blobs/uploads/?digest=</c> with the whole blob: the monolithic upload.</summary>
    public Task<HttpResponseMessage> PostBlobAsync(string repository, byte[] content, string digest) =>
        SendAsync(HttpMethod.Post, $"{UploadsPath(repository)}?digest={digest}", Bytes(content));

    public async Task<TestBlob> PushBlobAsync(string repository, TestBlob blob)
    {
        using var response = await PostBlobAsync(repository, blob.Content, blob.Digest);
        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        return blob;
    }

    public Task<TestBlob> PushBlobAsync(string repository) => PushBlobAsync(repository, TestBlob.Random());

    /// <summary>Starts an upload session and returns its (absolute) location.</summary>
    public async Task<Uri> StartUploadAsync(string repository)
    {
        using var response = await SendAsync(HttpMethod.Post, UploadsPath(repository));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        return Location(response);
    }

    /// <summary>Sends a chunk; with <paramref name="contentRange"/> null the chunk is streamed without length or range.</summary>
    public Task<HttpResponseMessage> PatchAsync(Uri upload, byte[] chunk, string? contentRange)
    {
        if (contentRange is null)
        {
            var streamed = new UnknownLengthContent(chunk);
            streamed.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return SendAsync(HttpMethod.Patch, upload, streamed);
        }

        return SendAsync(HttpMethod.Patch, upload, Bytes(chunk), ("Content-Range", contentRange));
    }

    /// <summary>
    /// PATCHes <paramref name="blob"/>'s bytes <c>[start..end]</c> for each range in turn (with a Content-Range, or streamed
    /// when <paramref name="withContentRange"/> is false), asserting 202 and <c>Range: 0-end</c> each time.
    /// </summary>
    /// <returns>The upload's location after the last chunk.</returns>
    public async Task<Uri> SendChunksAsync(Uri upload, TestBlob blob, bool withContentRange, params (int Start, int End)[] ranges)
    {
        foreach (var (start, end) in ranges)
        {
            using var patch = await PatchAsync(upload, blob.Content[start..(end + 1)], withContentRange ? $"{start}-{end}" : null);
            await ResponseAssert.StatusAsync(patch, HttpStatusCode.Accepted);
            Assert.Multiple(() =>
            {
                Assert.That(ResponseAssert.Header(patch, "Range"), Is.EqualTo($"0-{end}"), $"Range after the chunk {start}-{end}");
                Assert.That(ResponseAssert.Header(patch, "Docker-Upload-UUID"), Is.Not.Null.And.Not.Empty);
            });
            upload = Location(patch);
        }

        return upload;
    }

    /// <summary>
    /// <c>PUT &lt;location&gt;?digest=</c>, with an optional final chunk and its Content-Range; <paramref name="digest"/> null
    /// sends none.
    /// </summary>
    public Task<HttpResponseMessage> PutUploadAsync(Uri upload, string? digest, byte[]? finalChunk = null, string? contentRange = null)
    {
        var url = digest is null ? upload : WithQuery(upload, "digest", digest);
        var headers = contentRange is null ? [] : new[] { ("Content-Range", contentRange) };
        return SendAsync(HttpMethod.Put, url, finalChunk is null ? null : Bytes(finalChunk), headers);
    }

    public Task<HttpResponseMessage> PutManifestAsync(string repository, string reference, TestManifest manifest) =>
        PutManifestAsync(repository, reference, manifest.Content, manifest.MediaType);

    public Task<HttpResponseMessage> PutManifestAsync(string repository, string reference, byte[] content, string? contentType) =>
        SendAsync(HttpMethod.Put, ManifestPath(repository, reference), contentType is null ? new ByteArrayContent(content) : Bytes(content, contentType));

    /// <summary>Pushes a manifest under <paramref name="reference"/> (a tag, or its digest when null) and asserts 201.</summary>
    public async Task<TestManifest> PushManifestAsync(string repository, TestManifest manifest, string? reference = null)
    {
        using var response = await PutManifestAsync(repository, reference ?? manifest.Digest, manifest);
        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        return manifest;
    }

    /// <summary>Pushes a one-layer OCI image (config, layer, manifest) and returns its manifest.</summary>
    public async Task<TestManifest> PushImageAsync(string repository, string? tag = null)
    {
        var config = await PushBlobAsync(repository, TestBlob.Config());
        var layer = await PushBlobAsync(repository);
        return await PushManifestAsync(repository, Manifests.Image(config, layer), tag);
    }

    /// <summary>
    /// Pushes an arm64 and an amd64 image and, under <paramref name="tag"/>, an index of both (arm64 first): an OCI index,
    /// or with <see cref="MediaType.DockerManifestList"/> a Docker manifest list of Docker images.
    /// </summary>
    public async Task<(TestManifest Index, TestManifest Amd64)> PushMultiPlatformAsync(string repository, string tag, string indexType = MediaType.OciIndex)
    {
        var images = new List<TestManifest>();
        for (var platform = 0; platform < 2; platform++)
        {
            var config = await PushBlobAsync(repository, TestBlob.Config());
            var layer = await PushBlobAsync(repository);
            var image = indexType == MediaType.DockerManifestList ? Manifests.DockerImage(config, layer) : Manifests.Image(config, layer);
            images.Add(await PushManifestAsync(repository, image));
        }

        var index = Manifests.Index([Manifests.Platform(images[0], "linux", "arm64"), Manifests.Platform(images[1], "linux", "amd64")], indexType);
        await PushManifestAsync(repository, index, tag);
        return (index, images[1]);
    }

    public Task<HttpResponseMessage> GetManifestAsync(string repository, string reference, string accept = MediaType.OciManifest + ", " + MediaType.OciIndex) =>
        GetAsync(ManifestPath(repository, reference), ("Accept", accept));

    /// <summary>Asserts the repository serves <paramref name="blob"/> with exactly its bytes (under another digest when given).</summary>
    public async Task AssertBlobAsync(string repository, TestBlob blob, string? digest = null)
    {
        digest ??= blob.Digest;
        using var response = await GetAsync(BlobPath(repository, digest));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            await ResponseAssert.BodyAsync(response, blob.Content, $"content of blob {digest} in {repository}");
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(digest), $"digest of blob {digest} in {repository}");
        });
    }

    /// <summary>
    /// Asserts an upload (or mount) answered 201 with the blob's Location and digest, and that the repository now serves
    /// exactly the blob.
    /// </summary>
    public async Task AssertBlobCreatedAsync(HttpResponseMessage response, string repository, TestBlob blob)
    {
        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
        Assert.Multiple(() =>
        {
            Assert.That(Location(response).AbsolutePath, Is.EqualTo(BlobPath(repository, blob.Digest)), "Location of the created blob");
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(blob.Digest), "digest of the created blob");
        });
        await AssertBlobAsync(repository, blob);
    }

    /// <summary>Asserts the repository has no blob <paramref name="digest"/> (HEAD answers 404).</summary>
    public async Task AssertNoBlobAsync(string repository, string digest)
    {
        using var response = await SendAsync(HttpMethod.Head, BlobPath(repository, digest));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.NotFound);
    }

    /// <summary>
    /// Asserts GET <paramref name="reference"/> serves exactly <paramref name="expected"/>: its bytes, its digest, and its
    /// media type as Content-Type.
    /// </summary>
    public async Task AssertManifestAsync(string repository, string reference, TestManifest expected)
    {
        using var response = await GetManifestAsync(repository, reference, expected.MediaType);
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            await ResponseAssert.BodyAsync(response, expected.Content, $"bytes of {repository}:{reference}");
            Assert.That(ResponseAssert.Header(response, "Content-Type"), Is.EqualTo(expected.MediaType), $"Content-Type of {repository}:{reference}");
            Assert.That(ResponseAssert.Header(response, "Docker-Content-Digest"), Is.EqualTo(expected.Digest), $"digest of {repository}:{reference}");
        });
    }

    /// <summary>Asserts GET <paramref name="reference"/> answers 404 MANIFEST_UNKNOWN.</summary>
    public async Task AssertNoManifestAsync(string repository, string reference)
    {
        using var response = await GetManifestAsync(repository, reference);
        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    public void Dispose() => http.Dispose();

    private static Uri WithQuery(Uri url, string name, string value) =>
        new($"{url.AbsoluteUri}{(url.Query.Length > 0 ? "&" : "?")}{name}={Uri.EscapeDataString(value)}");
}
