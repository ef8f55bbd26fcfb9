using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using OciRegistry.Integration.Tests.Api;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// The push side of the registry API, request by request, as a client that follows every <c>Location</c> it is
/// given (query string included) and knows nothing else about the upload. The single requests hand their answer
/// back unchecked, for tests in which a request may legitimately fail (its host was killed); the whole pushes
/// assert every step.
/// </summary>
internal sealed class RegistryPushClient(Uri baseAddress, TimeSpan timeout) : IDisposable
{
    private const string OctetStream = "application/octet-stream";

    private readonly RegistryApiClient api = new(baseAddress, timeout);

    private HttpClient Http => api.Http;

    /// <summary>POST: starts an upload session.</summary>
    public Task<HttpResponseMessage> StartUploadAsync(string repository, CancellationToken cancellationToken) =>
        Http.PostAsync(new Uri($"v2/{repository}/blobs/uploads/", UriKind.Relative), content: null, cancellationToken);

    /// <summary>PATCH: one chunk at <paramref name="offset"/>, with <c>Content-Range</c> and <c>Content-Length</c>.</summary>
    public Task<HttpResponseMessage> PatchAsync(Uri upload, ReadOnlyMemory<byte> chunk, long offset, CancellationToken cancellationToken) =>
        PatchAsync(upload, Body(chunk), offset, chunk.Length, cancellationToken);

    /// <summary>PATCH: one chunk of <paramref name="length"/> bytes read from a stream as it is sent.</summary>
    public Task<HttpResponseMessage> PatchAsync(Uri upload, Stream chunk, long offset, long length, CancellationToken cancellationToken)
    {
        var body = new StreamContent(chunk);
        body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        body.Headers.ContentLength = length;
        return PatchAsync(upload, body, offset, length, cancellationToken);
    }

    /// <summary>GET of the upload: where it stands (<c>Range</c>).</summary>
    public Task<HttpResponseMessage> GetStatusAsync(Uri upload, CancellationToken cancellationToken) =>
        Http.GetAsync(upload, cancellationToken);

    /// <summary>PUT <c>?digest=</c>, carrying the last chunk (which may be empty).</summary>
    public Task<HttpResponseMessage> CompleteAsync(Uri upload, string digest, ReadOnlyMemory<byte> lastChunk, CancellationToken cancellationToken)
    {
        var separator = string.IsNullOrEmpty(upload.Query) ? "?" : "&";
        return Http.PutAsync(new Uri($"{upload}{separator}digest={Uri.EscapeDataString(digest)}"), Body(lastChunk), cancellationToken);
    }

    /// <summary>POST <c>?digest=</c> with the whole blob: a monolithic upload in one request.</summary>
    public Task<HttpResponseMessage> PushMonolithicAsync(string repository, byte[] content, CancellationToken cancellationToken) =>
        Http.PostAsync(
            new Uri($"v2/{repository}/blobs/uploads/?digest={Uri.EscapeDataString(ContentDigest.Of(content))}", UriKind.Relative),
            Body(content), cancellationToken);

    /// <summary>PUT of an OCI image manifest under a tag or its digest.</summary>
    public Task<HttpResponseMessage> PutManifestAsync(string repository, string reference, byte[] manifest, CancellationToken cancellationToken)
    {
        var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(TestImages.OciManifestMediaType);
        return Http.PutAsync(new Uri($"v2/{repository}/manifests/{reference}", UriKind.Relative), body, cancellationToken);
    }

    public async Task<HttpResponseMessage> HeadBlobAsync(string repository, string digest, CancellationToken cancellationToken)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri($"v2/{repository}/blobs/{digest}", UriKind.Relative));
        return await Http.SendAsync(head, cancellationToken);
    }

    /// <summary>The absolute <c>Location</c> of an answer, resolved against the address this client talks to.</summary>
    public Uri Location(HttpResponseMessage response) => api.Location(response);

    /// <summary>The last offset of an upload's <c>Range: 0-N</c> header (N), or null when there is none.</summary>
    public static long? RangeEnd(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Range", out var values) && values.Single() is { } range && range.StartsWith("0-", StringComparison.Ordinal)
            ? long.Parse(range[2..], CultureInfo.InvariantCulture)
            : null;

    /// <summary>"PATCH /v2/... answered 404: {body}", for messages.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = response.RequestMessage?.Method == HttpMethod.Head ? string.Empty : await response.Content.ReadAsStringAsync();
        return $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode} {body}".TrimEnd();
    }

    /// <summary>
    /// Pushes a blob in chunks (POST, a PATCH per chunk, PUT <c>?digest=</c> with the last chunk), each request sent
    /// to the <c>Location</c> the previous one answered; with <paramref name="checkStatus"/>, a status GET after
    /// every PATCH. Asserts each answer; returns the digest.
    /// </summary>
    public async Task<string> PushChunkedAsync(
        string repository, byte[] content, IReadOnlyList<int> chunkSizes, bool checkStatus, CancellationToken cancellationToken)
    {
        Assert.That(chunkSizes.Sum(), Is.EqualTo(content.Length), "the chunks add up to the blob");
        var digest = ContentDigest.Of(content);
        using var started = await StartUploadAsync(repository, cancellationToken);
        await ExpectAsync(started, HttpStatusCode.Accepted);
        var upload = Location(started);
        var offset = 0;
        foreach (var size in chunkSizes.SkipLast(1))
        {
            using var patched = await PatchAsync(upload, content.AsMemory(offset, size), offset, cancellationToken);
            await ExpectAsync(patched, HttpStatusCode.Accepted);
            offset += size;
            Assert.That(RangeEnd(patched), Is.EqualTo(offset - 1), $"Range after {await DescribeAsync(patched)}");
            upload = Location(patched);
            if (checkStatus)
            {
                using var status = await GetStatusAsync(upload, cancellationToken);
                await ExpectAsync(status, HttpStatusCode.NoContent);
                Assert.That(RangeEnd(status), Is.EqualTo(offset - 1), $"Range of {await DescribeAsync(status)}");
                upload = Location(status);
            }
        }

        using var completed = await CompleteAsync(upload, digest, content.AsMemory(offset), cancellationToken);
        await ExpectAsync(completed, HttpStatusCode.Created);
        Assert.That(completed.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(digest), "Docker-Content-Digest of the completed upload");
        return digest;
    }

    /// <summary>
    /// Pushes every blob of an image, then its manifest under <paramref name="reference"/>, as a client does: a blob
    /// the registry has is skipped (HEAD) when <paramref name="skipExisting"/> is set; blobs over 256 KiB go in
    /// chunks, the others in one request. Asserts each answer.
    /// </summary>
    public async Task PushImageAsync(
        string repository, string reference, SyntheticImage image, bool skipExisting, CancellationToken cancellationToken)
    {
        foreach (var blob in image.Blobs)
        {
            if (skipExisting)
            {
                using var head = await HeadBlobAsync(repository, ContentDigest.Of(blob), cancellationToken);
                if (head.StatusCode == HttpStatusCode.OK)
                {
                    continue;
                }
            }

            if (blob.Length > 256 * 1024)
            {
                await PushChunkedAsync(repository, blob, [blob.Length / 3, blob.Length / 3, blob.Length - (2 * (blob.Length / 3))], checkStatus: false, cancellationToken);
            }
            else
            {
                using var pushed = await PushMonolithicAsync(repository, blob, cancellationToken);
                await ExpectAsync(pushed, HttpStatusCode.Created);
            }
        }

        using var stored = await PutManifestAsync(repository, reference, image.Manifest, cancellationToken);
        await ExpectAsync(stored, HttpStatusCode.Created);
    }

    /// <summary>The sha256 of the blob's content as served (redirects followed), or null when the registry has no such blob.</summary>
    public async Task<string?> ReadBlobDigestAsync(string repository, string digest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v2/{repository}/blobs/{digest}", UriKind.Relative));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ExpectAsync(response, HttpStatusCode.OK);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return (await RegistryApiClient.ReadToEndAsync(body, cancellationToken)).Digest;
    }

    /// <summary>The manifest stored under a tag or digest, or null when there is none.</summary>
    public async Task<byte[]?> ReadManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v2/{repository}/manifests/{reference}", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(TestImages.OciManifestMediaType));
        using var response = await Http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ExpectAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public void Dispose() => api.Dispose();

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"expected {(int)expected}: {await DescribeAsync(response)}");
        }
    }

    private async Task<HttpResponseMessage> PatchAsync(Uri upload, HttpContent body, long offset, long length, CancellationToken cancellationToken)
    {
        using var patch = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = body };
        patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        return await Http.SendAsync(patch, cancellationToken);
    }

    private static ReadOnlyMemoryContent Body(ReadOnlyMemory<byte> content)
    {
        var body = new ReadOnlyMemoryContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        return body;
    }
}
