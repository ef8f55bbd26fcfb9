using Microsoft.Extensions.Configuration;

namespace OciRegistry.Api.Tests;

/// <summary>
/// <c>OciRegistry:ReadOnly</c>, switched at run time by a configuration reload: pulls keep working, every write is
/// refused with 405 <c>UNSUPPORTED</c> saying why, and switching back lets pushes through again.
/// </summary>
public sealed class ReadOnlyModeTests(RegistryTarget target) : RegistryApiTest(target)
{
    private readonly IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();

    protected override IConfiguration RegistryConfiguration => configuration;

    [TearDown]
    public void SwitchBackToReadWrite() => SwitchReadOnly(false);

    [Test]
    public async Task Switched_on_at_run_time_pulls_work_and_every_write_is_405_UNSUPPORTED_saying_read_only()
    {
        var repository = NewRepository("readonly");
        var image = await Registry.PushImageAsync(repository, "v1");
        var blob = await Registry.PushBlobAsync(repository);
        var upload = await Registry.StartUploadAsync(repository);

        SwitchReadOnly(true);

        using (var manifest = await Registry.GetManifestAsync(repository, "v1"))
        {
            await ResponseAssert.StatusAsync(manifest, HttpStatusCode.OK);
        }

        await Registry.AssertManifestAsync(repository, image.Digest, image);
        await Registry.AssertBlobAsync(repository, blob);
        Assert.That(await Registry.GetTagsAsync(repository), Is.EqualTo(new[] { "v1" }));
        using (var head = await Registry.SendAsync(HttpMethod.Head, RegistryClient.BlobPath(repository, blob.Digest)))
        {
            await ResponseAssert.StatusAsync(head, HttpStatusCode.OK);
        }

        var other = TestBlob.Random();
        var writes = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("POST upload", () => Registry.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository))),
            ("POST monolithic upload", () => Registry.PostBlobAsync(repository, other.Content, other.Digest)),
            ("POST mount", () => Registry.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(NewRepository("readonly"))}?mount={blob.Digest}&from={repository}")),
            ("PATCH upload", () => Registry.PatchAsync(upload, other.Content, $"0-{other.Content.Length - 1}")),
            ("PUT upload", () => Registry.PutUploadAsync(upload, other.Digest, other.Content)),
            ("DELETE upload", () => Registry.SendAsync(HttpMethod.Delete, upload)),
            ("PUT manifest", () => Registry.PutManifestAsync(repository, "v2", image)),
            ("DELETE manifest", () => Registry.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, image.Digest))),
            ("DELETE tag", () => Registry.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, "v1"))),
            ("DELETE blob", () => Registry.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(repository, blob.Digest))),
        };
        foreach (var (what, send) in writes)
        {
            using var response = await send();
            var errors = await ResponseAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
            Assert.That(errors[0].Message, Does.Contain("read-only"), what);
        }

        await Registry.AssertManifestAsync(repository, "v1", image);
        await Registry.AssertBlobAsync(repository, blob);
        await Registry.AssertNoBlobAsync(repository, other.Digest);
        await Registry.AssertNoManifestAsync(repository, "v2");
    }

    [Test]
    public async Task Switched_off_again_at_run_time_pushes_work_again()
    {
        var repository = NewRepository("readonly");
        SwitchReadOnly(true);
        using (var refused = await Registry.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository)))
        {
            await ResponseAssert.ErrorAsync(refused, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        }

        SwitchReadOnly(false);
        var image = await Registry.PushImageAsync(repository, "v1");

        await Registry.AssertManifestAsync(repository, "v1", image);
    }

    /// <summary>Changes the setting and reloads the configuration, as an edited appsettings.json does.</summary>
    private void SwitchReadOnly(bool readOnly)
    {
        configuration["OciRegistry:ReadOnly"] = readOnly ? "true" : "false";
        configuration.Reload();
    }
}
