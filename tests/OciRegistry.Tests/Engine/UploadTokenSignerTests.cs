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
    public async Task Instances_that_create_their_keys_at_the_same_moment_accept_each_others_tokens()
    {
        // Fresh instances on an empty storage, all signing at once: each may write a key of its own.
        var instances = Enumerable.Range(0, 8).Select(_ => Instance()).ToList();
        try
        {
            var tokens = await Task.WhenAll(instances.Select((instance, index) =>
                Task.Run(() => instance.CreateAsync(Name, $"upload-{index}", CancellationToken.None))));

            var refused = new List<string>();
            for (var signer = 0; signer < tokens.Length; signer++)
            {
                foreach (var (verifier, index) in instances.Select((verifier, index) => (verifier, index)))
                {
                    if (!await verifier.VerifyAsync(Name, $"upload-{signer}", tokens[signer], CancellationToken.None))
                    {
                        refused.Add($"instance {index} refused the token of instance {signer}");
                    }
                }
            }

            Assert.That(refused, Is.Empty);
        }
        finally
        {
            instances.ForEach(instance => instance.Dispose());
        }
    }

    [Test]
    public async Task A_new_instance_signs_with_the_smallest_stored_key()
    {
        var keys = Path.Combine(root.FullName, "docker/registry/v2/_ociregistry/http-secrets");
        Directory.CreateDirectory(keys);
        await File.WriteAllBytesAsync(Path.Combine(keys, new string('b', 32)), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await File.WriteAllBytesAsync(Path.Combine(keys, new string('a', 32)), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var instance = Instance();

        var token = await instance.CreateAsync(Name, "upload-1", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(token, Does.StartWith(new string('a', 32) + "."));
            Assert.That(Directory.GetFiles(keys), Has.Length.EqualTo(2), "no key added");
        });
    }

    [Test]
    public async Task A_token_naming_a_key_that_storage_does_not_hold_is_refused()
    {
        using var first = Instance();
        var token = await first.CreateAsync(Name, "upload-1", CancellationToken.None);
        using var second = Instance();

        Assert.That(await second.VerifyAsync(Name, "upload-1", new string('0', 32) + token[32..], CancellationToken.None), Is.False);
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
    [TestCase("0123456789abcdef0123456789abcdef.not base64 !!")]
    [TestCase("../../../repositories/x.AAAA")]
    public async Task Garbage_tokens_are_refused(string token)
    {
        using var signer = Instance();
        Assert.That(await signer.VerifyAsync(Name, "upload-1", token, CancellationToken.None), Is.False);
    }
}
