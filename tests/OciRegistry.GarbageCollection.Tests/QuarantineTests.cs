using OciRegistry.Content;
using OciRegistry.GarbageCollection.Tests.Support;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>
/// Swept blob data waits in quarantine for the settle delay; whatever a push in flight linked or referenced meanwhile
/// is put back, and a run that cannot finish its check puts everything back.
/// </summary>
public sealed class QuarantineTests
{
    // Long enough for the test to act within it on a loaded machine.
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(5);

    [Test]
    public async Task Blob_linked_during_the_settle_delay_is_put_back()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.SettleDelay = SettleDelay);
        var source = CollectedRegistry.NewRepository();
        var target = CollectedRegistry.NewRepository();
        var blob = await registry.Client.PushBlobAsync(source);

        var collection = registry.CollectAsync();
        await WaitForQuarantineAsync(registry, blob.Digest, collection);
        // An upload or mount that found the data just before the sweep writes its link only now.
        await registry.WriteLinkAsync(RegistryLayout.LayerLink(RepositoryName.Parse(target), Digest.Parse(blob.Digest)), blob.Digest);
        var result = await collection;

        await registry.Client.AssertBlobAsync(target, blob);
        Assert.Multiple(() =>
        {
            Assert.That(result.Restored, Is.EqualTo(new[] { new GarbageCollectionDeletion(GarbageCollectionItemKind.Blob, null, blob.Digest, blob.Size) }));
            Assert.That(result.Deletions, Is.EqualTo(new[] { new GarbageCollectionDeletion(GarbageCollectionItemKind.LayerLink, source, blob.Digest, 0) }));
            Assert.That(Directory.Exists(registry.FilePath(RegistryLayout.GarbageCollectionQuarantineRoot)), Is.False);
        });
    }

    [Test]
    public async Task Tag_pointed_at_a_swept_manifest_during_the_settle_delay_gets_the_whole_image_back()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.SettleDelay = SettleDelay);
        var repository = CollectedRegistry.NewRepository();
        var old = await registry.PushImageAsync(repository, "latest");
        await registry.PushImageAsync(repository, "latest");

        var collection = registry.CollectAsync(deleteUntagged: true);
        await WaitForQuarantineAsync(registry, old.Manifest.Digest, collection);
        // A push of the old manifest under a tag checked its blobs before the sweep and writes the tag only now.
        await registry.WriteLinkAsync(RegistryLayout.TagCurrentLink(RepositoryName.Parse(repository), Tag.Parse("old")), old.Manifest.Digest);
        var result = await collection;

        await registry.AssertPullsAsync(repository, "old");
        Assert.Multiple(() =>
        {
            Assert.That(result.Deletions, Is.Empty);
            Assert.That(result.Restored.Select(item => (item.Kind, item.Item)), Is.EquivalentTo(new[]
            {
                (GarbageCollectionItemKind.Manifest, old.Manifest.Digest),
                (GarbageCollectionItemKind.Blob, old.Manifest.Digest),
                (GarbageCollectionItemKind.Blob, old.Config.Digest),
                (GarbageCollectionItemKind.Blob, old.Layers[0].Digest),
                (GarbageCollectionItemKind.LayerLink, old.Config.Digest),
                (GarbageCollectionItemKind.LayerLink, old.Layers[0].Digest),
            }));
        });
    }

    [Test]
    public async Task Run_that_fails_after_sweeping_puts_the_quarantined_data_back()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var stray = await registry.Client.PushBlobAsync(repository);
        var spy = new StoreSpy(registry.Store);
        var quarantined = false;
        spy.FailWhen = (method, path) =>
        {
            quarantined |= method == nameof(IBlobStore.MoveAsync);
            return quarantined && method == nameof(IBlobStore.ListAsync) && path == RegistryLayout.RepositoriesRoot;
        };

        Assert.ThrowsAsync<StoreUnavailableException>(() => registry.CollectorOver(spy).CollectAsync());

        Assert.Multiple(() =>
        {
            Assert.That(registry.HasBlobData(stray.Digest), Is.True, "put back at its address");
            Assert.That(Directory.Exists(registry.FilePath(RegistryLayout.GarbageCollectionQuarantineRoot)), Is.False);
        });
    }

    [Test]
    public async Task Quarantine_left_by_an_interrupted_run_is_put_back_first()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var image = await registry.PushImageAsync(repository, "v1");
        var layer = Digest.Parse(image.Layers[0].Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(registry.FilePath(RegistryLayout.QuarantinedBlobData(layer)))!);
        File.Move(registry.FilePath(RegistryLayout.BlobData(layer)), registry.FilePath(RegistryLayout.QuarantinedBlobData(layer)));

        var result = await registry.CollectAsync();

        await registry.AssertPullsAsync(repository, "v1");
        Assert.That(result.Deletions, Is.Empty);
    }

    private static async Task WaitForQuarantineAsync(CollectedRegistry registry, string digest, Task collection)
    {
        var path = registry.FilePath(RegistryLayout.QuarantinedBlobData(Digest.Parse(digest)));
        while (!File.Exists(path))
        {
            Assert.That(collection.IsCompleted, Is.False, $"the collection ended before the test saw {digest} in quarantine");
            await Task.Delay(10);
        }
    }
}
