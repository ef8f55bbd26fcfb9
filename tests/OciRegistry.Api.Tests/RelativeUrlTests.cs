using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests;

/// <summary>A registry with <c>Http.RelativeUrls = true</c>: Location and Link are paths, and clients can follow them.</summary>
public sealed class RelativeUrlTests(RegistryTarget target) : RegistryApiTest(target)
{
    protected override void ConfigureRegistry(OciRegistryOptions options) => options.Http.RelativeUrls = true;

    [Test]
    public async Task Upload_Location_is_a_path_and_following_it_completes_the_upload()
    {
        var repository = NewRepository();
        var blob = TestBlob.Random(300);

        using var post = await Registry.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository), null,
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "ignored.example.com"));

        await ResponseAssert.StatusAsync(post, HttpStatusCode.Accepted);
        Assert.That(post.Headers.Location, Is.Not.Null);
        Assert.That(post.Headers.Location!.IsAbsoluteUri, Is.False, post.Headers.Location.ToString());
        Assert.That(post.Headers.Location.OriginalString, Does.StartWith($"/v2/{repository}/blobs/uploads/"));
        using var put = await Registry.PutUploadAsync(Registry.Location(post), blob.Digest, blob.Content);
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created);
        Assert.That(put.Headers.Location?.OriginalString, Is.EqualTo(RegistryClient.BlobPath(repository, blob.Digest)));
        await Registry.AssertBlobAsync(repository, blob);
    }

    [Test]
    public async Task Tag_list_next_Link_is_a_path()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "a");
        await Registry.PushManifestAsync(repository, manifest, "b");

        using var response = await Registry.GetAsync($"{RegistryClient.TagsPath(repository)}?n=1");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.That(LinkHeader.Next(response), Is.EqualTo($"{RegistryClient.TagsPath(repository)}?n=1&last=a"));
    }
}
