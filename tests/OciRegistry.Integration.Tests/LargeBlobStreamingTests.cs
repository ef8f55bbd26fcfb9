using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using OciRegistry.Integration.Tests.Content;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests;

/// <summary>
/// Blobs stream through the host: pushed the way docker pushes (POST, one streamed chunked PATCH, PUT ?digest=)
/// and pulled back, while the host process's peak resident memory stays far below the blob size.
/// </summary>
internal sealed class LargeBlobStreamingTests : RealClientTest
{
    private const long MiB = 1024 * 1024;

    // Generous: a host that buffers a 1 GiB blob anywhere goes far past it; a streaming one stays near its idle size.
    private const long PeakResidentLimit = 400 * MiB;

    private const string Repository = "large/blobs";

    [Test]
    public async Task Blobs_of_64_MiB_and_1_GiB_stream_through_the_host_without_growing_its_memory()
    {
        var host = await StartHostAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };

        var peaks = new List<(long Size, long Peak)>();
        foreach (var size in new[] { 64 * MiB, 1024 * MiB })
        {
            var digest = await PushAsync(client, size, seed: (ulong)size);
            await PullAndVerifyAsync(client, digest, size);
            var peak = host.ReadPeakResidentBytes();
            peaks.Add((size, peak));
            TestContext.Progress.WriteLine($"  {host.Name} peak RSS (VmHWM) after a {size / MiB} MiB blob: {peak / MiB} MiB");
        }

        Assert.Multiple(() =>
        {
            foreach (var (size, peak) in peaks)
            {
                Assert.That(peak, Is.LessThan(PeakResidentLimit), $"peak RSS of {host.Name} in MiB after a {size / MiB} MiB blob: {peak / MiB}");
            }
        });
    }

    /// <summary>Pushes generated content as one blob; returns its digest, computed here as it was sent.</summary>
    private static async Task<string> PushAsync(HttpClient client, long size, ulong seed)
    {
        using var start = await client.PostAsync(new Uri($"v2/{Repository}/blobs/uploads/", UriKind.Relative), content: null, Cancellation);
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "POST to start the upload");
        var uploadLocation = UploadLocation(client, start);

        await using var generated = new GeneratedContentStream(size, seed);
        // No Content-Length: like docker, the body goes out with chunked transfer encoding as it is produced.
        using var body = new StreamContent(generated, 1024 * 1024);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var patch = new HttpRequestMessage(HttpMethod.Patch, uploadLocation) { Content = body };
        using var patched = await client.SendAsync(patch, Cancellation);
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "PATCH with the whole blob");
        Assert.That(patched.Headers.TryGetValues("Range", out var range) ? range.Single() : null, Is.EqualTo($"0-{size - 1}"), "Range after the PATCH");
        var digest = generated.Digest;

        var commitLocation = UploadLocation(client, patched);
        var separator = string.IsNullOrEmpty(commitLocation.Query) ? "?" : "&";
        var commit = new Uri($"{commitLocation}{separator}digest={Uri.EscapeDataString(digest)}");
        using var committed = await client.PutAsync(commit, content: null, Cancellation);
        Assert.That(committed.StatusCode, Is.EqualTo(HttpStatusCode.Created), "PUT ?digest= to commit the upload");
        return digest;
    }

    /// <summary>Pulls the blob as a stream and checks its length and sha256.</summary>
    private static async Task PullAndVerifyAsync(HttpClient client, string digest, long size)
    {
        using var response = await client.GetAsync(
            new Uri($"v2/{Repository}/blobs/{digest}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "GET of the blob");
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(size), "Content-Length of the blob");

        await using var stream = await response.Content.ReadAsStreamAsync(Cancellation);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long received = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, Cancellation)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            received += read;
        }

        Assert.That(received, Is.EqualTo(size), "bytes received");
        Assert.That(ContentDigest.Format(hash.GetCurrentHash()), Is.EqualTo(digest), "sha256 of the bytes received");
    }

    private static Uri UploadLocation(HttpClient client, HttpResponseMessage response)
    {
        var location = response.Headers.Location
            ?? throw new AssertionException($"{response.RequestMessage?.Method} answered {(int)response.StatusCode} without a Location header.");
        return new Uri(client.BaseAddress!, location);
    }
}
