using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine.Uploads;
using OciRegistry.Storage.FileSystem;

namespace OciRegistry.Tests.Engine;

public sealed class UploadTokenSignerTests
{
    private static readonly RepositoryName Name = RepositoryName.Parse("a/b");
    private DirectoryInfo root = null!;

    [SetUp]
    public void CreateStorage() => root = Directory.CreateTempSubdirectory("oci-token-tests-");

    [TearDown]
    public void DeleteStorage() => root.Delete(recursive: true);

    private UploadTokenSigner Instance(string? secret = null) => new(
        new FileSystemBlobStore(Options.Create(new FileSystemBlobStoreOptions { RootDirectory = root.FullName })),
        Options.Create(new OciRegistryOptions { Http = { Secret = secret } }));

    [Test]
    public async Task Instances_on_one_storage_accept_each_others_tokens_without_configuration()
    {
        using var first = Instance();
        using var second = Instance();
        var token = await first.CreateAsync(Name, "upload-1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await second.VerifyAsync(Name, "upload-1", token, CancellationToken.None), Is.True);
            Assert.That(await second.VerifyAsync(Name, "upload-2", token, CancellationToken.None), Is.False, "another upload");
            Assert.That(await second.VerifyAsync(RepositoryName.Parse("a/c"), "upload-1", token, CancellationToken.None), Is.False, "another repository");
        });
    }

    [Test]
    public async Task An_instance_that_lost_the_race_to_create_the_secret_adopts_the_stored_one()
    {
        using var loser = Instance();
        await loser.CreateAsync(Name, "warm-up", CancellationToken.None);

        // Another instance wrote its own secret over ours at the same moment.
        var secretFile = Path.Combine(root.FullName, "docker/registry/v2/_ociregistry/http-secret");
        await File.WriteAllBytesAsync(secretFile, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var winner = Instance();
        var token = await winner.CreateAsync(Name, "upload-1", CancellationToken.None);

        Assert.That(await loser.VerifyAsync(Name, "upload-1", token, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task A_configured_secret_is_used_and_nothing_is_stored()
    {
        using var first = Instance("shared secret");
        using var second = Instance("shared secret");
        using var other = Instance("another secret");
        var token = await first.CreateAsync(Name, "upload-1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await second.VerifyAsync(Name, "upload-1", token, CancellationToken.None), Is.True);
            Assert.That(await other.VerifyAsync(Name, "upload-1", token, CancellationToken.None), Is.False);
            Assert.That(root.GetFiles("*", SearchOption.AllDirectories), Is.Empty);
        });
    }

    [TestCase("")]
    [TestCase("not base64 !!")]
    public async Task Garbage_tokens_are_refused(string token)
    {
        using var signer = Instance();
        Assert.That(await signer.VerifyAsync(Name, "upload-1", token, CancellationToken.None), Is.False);
    }
}
