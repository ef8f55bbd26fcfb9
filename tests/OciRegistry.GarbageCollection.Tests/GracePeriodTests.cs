using OciRegistry.Content;
using OciRegistry.GarbageCollection.Tests.Support;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>Nothing whose blob data, link or revision link was written within the grace period is deleted.</summary>
public sealed class GracePeriodTests
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromHours(1);
    private static readonly TimeSpan OlderThanGrace = TimeSpan.FromHours(2);

    [Test]
    public async Task Unreferenced_blob_within_the_grace_period_stays_and_goes_once_older()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.GracePeriod = GracePeriod);
        var repository = CollectedRegistry.NewRepository();
        var stray = await registry.Client.PushBlobAsync(repository);

        var young = await registry.CollectAsync();
        await registry.Client.AssertBlobAsync(repository, stray);
        registry.Age(OlderThanGrace);
        var old = await registry.CollectAsync();

        Assert.Multiple(() =>
        {
            Assert.That(young.Deletions, Is.Empty, "a blob uploaded just now may be about to be referenced");
            Assert.That(old.BlobsDeleted, Is.EqualTo(1));
            Assert.That(registry.HasBlobData(stray.Digest), Is.False);
        });
    }

    [Test]
    public async Task Fresh_link_keeps_old_blob_data_while_old_links_to_it_go()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.GracePeriod = GracePeriod);
        var source = CollectedRegistry.NewRepository();
        var target = CollectedRegistry.NewRepository();
        var blob = await registry.Client.PushBlobAsync(source);
        registry.Age(OlderThanGrace);
        using (var mount = await registry.Client.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(target)}?mount={blob.Digest}&from={source}"))
        {
            await ResponseAssert.StatusAsync(mount, HttpStatusCode.Created);
        }

        var result = await registry.CollectAsync();

        await registry.Client.AssertBlobAsync(target, blob);
        Assert.Multiple(() =>
        {
            Assert.That(result.Deletions, Is.EqualTo(new[] { new GarbageCollectionDeletion(GarbageCollectionItemKind.LayerLink, source, blob.Digest, 0) }));
            Assert.That(registry.HasBlobData(blob.Digest), Is.True);
        });
    }

    [Test]
    public async Task Untagged_manifest_pushed_within_the_grace_period_is_kept_with_what_it_references()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.GracePeriod = GracePeriod);
        var repository = CollectedRegistry.NewRepository();
        var image = await registry.PushImageAsync(repository, null);

        var young = await registry.CollectAsync(deleteUntagged: true);
        await registry.AssertPullsAsync(repository, image.Manifest.Digest);
        registry.Age(OlderThanGrace);
        var old = await registry.CollectAsync(deleteUntagged: true);

        Assert.Multiple(() =>
        {
            Assert.That(young.Deletions, Is.Empty);
            Assert.That(old.ManifestsDeleted, Is.EqualTo(1));
            Assert.That(old.BlobsDeleted, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Manifest_push_reusing_old_unreferenced_layers_refreshes_their_links()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.GracePeriod = GracePeriod);
        var repository = CollectedRegistry.NewRepository();
        var config = await registry.Client.PushBlobAsync(repository, TestBlob.Config());
        var layer = await registry.Client.PushBlobAsync(repository);
        registry.Age(OlderThanGrace);

        // The manifest check finds the old links and rewrites them: the fence a concurrent collection sees.
        await registry.Client.PushManifestAsync(repository, Manifests.Image(config, layer));
        var result = await registry.CollectAsync(deleteUntagged: true);

        var linkWritten = File.GetLastWriteTimeUtc(registry.FilePath(RegistryLayout.LayerLink(RepositoryName.Parse(repository), Digest.Parse(layer.Digest))));
        Assert.Multiple(() =>
        {
            Assert.That(result.Deletions, Is.Empty);
            Assert.That(linkWritten, Is.GreaterThan(DateTime.UtcNow - GracePeriod), "the layer link was written again by the push");
        });
    }
}
