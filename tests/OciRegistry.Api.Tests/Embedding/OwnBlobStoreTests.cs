using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OciRegistry.Storage;
using OciRegistry.Storage.FileSystem;

namespace OciRegistry.Api.Tests.Embedding;

/// <summary>
/// The README's "Replacing a piece": an application registers its own <see cref="IBlobStore"/> after
/// <c>AddOciRegistry()</c>, with no driver call, and the registry stores and serves through it.
/// </summary>
public sealed class OwnBlobStoreTests
{
    private OwnBlobStoreTarget target = null!;
    private RegistryHost host = null!;
    private RegistryClient registry = null!;

    [OneTimeSetUp]
    public async Task StartRegistryWithOwnStore()
    {
        target = new OwnBlobStoreTarget();
        host = await RegistryHost.StartAsync(target);
        registry = new RegistryClient(host.Address);
    }

    [OneTimeTearDown]
    public async Task StopRegistry()
    {
        registry.Dispose();
        await host.DisposeAsync();
    }

    [Test]
    public async Task Image_pushed_and_pulled_goes_through_the_applications_store()
    {
        var repository = $"own/{Guid.NewGuid():N}";

        var image = await registry.PushImageAsync(repository, "v1");

        await registry.AssertManifestAsync(repository, "v1", image);
        Assert.Multiple(() =>
        {
            Assert.That(host.Services.GetRequiredService<IBlobStore>(), Is.SameAs(target.Store), "the IBlobStore the registry resolves");
            Assert.That(target.Store.WrittenPaths, Has.Some.Contains($"repositories/{repository}/_manifests/tags/v1"), "tag written through the app's store");
            Assert.That(target.Store.WrittenPaths, Has.Some.Contains("/blobs/sha256/"), "blobs written through the app's store");
        });
    }

    /// <summary>Registers the application's own store the way the README shows: <c>AddSingleton&lt;IBlobStore&gt;</c>, no driver.</summary>
    private sealed class OwnBlobStoreTarget : RegistryTarget
    {
        private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("oci-own-store-");

        public RecordingBlobStore Store { get; private set; } = null!;

        public override string Name => "own-blob-store";

        public override Task<IAsyncDisposable> AddStorageAsync(IOciRegistryBuilder registry, CancellationToken cancellationToken)
        {
            Store = new RecordingBlobStore(new FileSystemBlobStore(Options.Create(new FileSystemBlobStoreOptions { RootDirectory = root.FullName })));
            registry.Services.AddSingleton<IBlobStore>(Store);
            return Task.FromResult<IAsyncDisposable>(new RootFolder(root));
        }

        private sealed class RootFolder(DirectoryInfo folder) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                folder.Delete(recursive: true);
                return ValueTask.CompletedTask;
            }
        }
    }
}
