using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using OciRegistry.Integration.Tests.Content;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.Api;

/// <summary>
/// The registry's HTTP API spoken directly, for tests that need a say in single requests: a body streamed as it
/// is produced (as docker pushes: POST, one chunked PATCH, PUT <c>?digest=</c>), a response read as it arrives.
/// Digests are computed here, from the bytes sent and received.
/// </summary>
internal sealed class RegistryApiClient : IDisposable
{
    private const string UploadMediaType = "application/octet-stream";

    public RegistryApiClient(Uri baseAddress, TimeSpan timeout)
    {
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
    }

    public HttpClient Http { get; }

    /// <summary>Starts an upload session (POST) and returns where its chunks go.</summary>
    public async Task<Uri> StartUploadAsync(string repository, CancellationToken cancellationToken)
    {
        using var started = await Http.PostAsync(new Uri($"v2/{repository}/blobs/uploads/", UriKind.Relative), content: null, cancellationToken);
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "POST to start the upload");
        return Location(started);
    }

    /// <summary>
    /// Sends <paramref name="body"/> as one PATCH without Content-Length: chunked transfer encoding, each piece
    /// as it is read. The caller checks the answer.
    /// </summary>
    public async Task<HttpResponseMessage> PatchAsync(Uri upload, Stream body, CancellationToken cancellationToken)
    {
        using var content = new StreamContent(body, 1024 * 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue(UploadMediaType);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = content };
        return await Http.SendAsync(patch, cancellationToken);
    }

    /// <summary>Completes an upload session (PUT <c>?digest=</c>, no body).</summary>
    public async Task CommitAsync(Uri upload, string digest, CancellationToken cancellationToken)
    {
        var separator = string.IsNullOrEmpty(upload.Query) ? "?" : "&";
        using var committed = await Http.PutAsync(new Uri($"{upload}{separator}digest={Uri.EscapeDataString(digest)}"), content: null, cancellationToken);
        Assert.That(committed.StatusCode, Is.EqualTo(HttpStatusCode.Created), "PUT ?digest= to commit the upload");
    }

    /// <summary>Pushes generated content as one blob, as docker does; returns its digest, computed as it was sent.</summary>
    public async Task<string> PushBlobAsync(string repository, GeneratedContentStream content, CancellationToken cancellationToken)
    {
        var upload = await StartUploadAsync(repository, cancellationToken);
        using var patched = await PatchAsync(upload, content, cancellationToken);
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "PATCH with the whole blob");
        Assert.That(patched.Headers.TryGetValues("Range", out var range) ? range.Single() : null, Is.EqualTo($"0-{content.Length - 1}"), "Range after the PATCH");
        await CommitAsync(Location(patched), content.Digest, cancellationToken);
        return content.Digest;
    }

    /// <summary>Pushes a small blob in one request (POST <c>?digest=</c> with the body); returns its digest.</summary>
    public async Task<string> PushBlobAsync(string repository, byte[] content, CancellationToken cancellationToken)
    {
        var digest = ContentDigest.Of(content);
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(UploadMediaType);
        using var pushed = await Http.PostAsync(
            new Uri($"v2/{repository}/blobs/uploads/?digest={Uri.EscapeDataString(digest)}", UriKind.Relative), body, cancellationToken);
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.Created), $"monolithic push of {digest}");
        return digest;
    }

    /// <summary>Stores a manifest under a tag or digest; returns its digest.</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var stored = await Http.PutAsync(new Uri($"v2/{repository}/manifests/{reference}", UriKind.Relative), body, cancellationToken);
        Assert.That(stored.StatusCode, Is.EqualTo(HttpStatusCode.Created), $"PUT of the manifest {reference}");
        return ContentDigest.Of(manifest);
    }

    /// <summary>Sends a request without a body to a path below <c>/v2/</c> and returns the answer once its headers are in.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri($"v2/{path}", UriKind.Relative));
        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Pulls a blob as a stream; returns how many bytes came and their sha256.</summary>
    public async Task<(long Length, string Digest)> PullBlobAsync(string repository, string digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{repository}/blobs/{digest}", cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET of the blob {digest}");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var received = await ReadToEndAsync(body, cancellationToken);
        Assert.That(received.Length, Is.EqualTo(response.Content.Headers.ContentLength), "bytes received against Content-Length");
        return received;
    }

    /// <summary>Reads a stream to its end; returns how many bytes it gave and their sha256.</summary>
    public static async Task<(long Length, string Digest)> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (length, ContentDigest.Format(hash.GetCurrentHash()));
    }

    /// <summary>The code of the first error in an OCI error body, or what the body was instead.</summary>
    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ErrorCode(await response.Content.ReadAsStringAsync(cancellationToken));

    /// <summary>The code of the first error in an OCI error body, or, in parentheses, what the body was instead.</summary>
    public static string ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString() ?? "(null code)";
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return $"(no OCI error body: '{body}')";
        }
    }

    /// <summary>The absolute Location of an upload answer.</summary>
    public Uri Location(HttpResponseMessage response)
    {
        var location = response.Headers.Location
            ?? throw new AssertionException($"{response.RequestMessage?.Method} answered {(int)response.StatusCode} without a Location header.");
        return new Uri(Http.BaseAddress!, location);
    }

    public void Dispose() => Http.Dispose();
}
