using System.Security.Cryptography;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests;

/// <summary>
/// Blob downloads with redirects on (the default; the rest of the suite turns them off). The registry client never follows redirects itself: a driver that can sign URLs (S3, Azure) answers 307 to storage,
/// the filesystem driver streams; HEAD is never redirected.
/// </summary>
public sealed class RedirectTests(RegistryTarget target) : RegistryApiTest(target)
{
    private readonly RegistryTarget target = target;

    protected override void ConfigureRegistry(OciRegistryOptions options) => options.Storage.Redirect.Enabled = true;

    [Test]
    public async Task Blob_GET_is_redirected_to_a_URL_a_plain_client_downloads_or_streamed_by_the_registry()
    {
        var repository = NewRepository("redirect");
        var blob = await Registry.PushBlobAsync(repository, TestBlob.Random(3 * 1024 * 1024 + 5));
        using var response = await Registry.GetAsync(RegistryClient.BlobPath(repository, blob.Digest));

        if (target is FileSystemTarget)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the filesystem driver never redirects");
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(blob.Content));
            return;
        }

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        var location = response.Headers.Location!;
        Assert.That(location.IsAbsoluteUri, Is.True);
        using var plain = new HttpClient();
        var downloaded = await plain.GetByteArrayAsync(location);
        Assert.That("sha256:" + Convert.ToHexStringLower(SHA256.HashData(downloaded)), Is.EqualTo(blob.Digest));
    }

    [Test]
    public async Task Blob_HEAD_is_never_redirected()
    {
        var repository = NewRepository("redirect");
        var blob = await Registry.PushBlobAsync(repository);
        using var response = await Registry.SendAsync(HttpMethod.Head, RegistryClient.BlobPath(repository, blob.Digest));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(blob.Size));
        });
    }
}
