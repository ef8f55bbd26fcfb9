using System.Text;
using OciRegistry.GarbageCollection.Tests.Support;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>One collector at a time across instances: the lease in storage.</summary>
public sealed class LeaseTests
{
    [Test]
    public async Task Lease_held_by_another_collector_skips_the_run()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var stray = await registry.Client.PushBlobAsync(repository);
        var lease = WriteLease(registry, "other-instance", DateTimeOffset.UtcNow.AddMinutes(3));

        var result = await registry.CollectAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Skipped, Is.True);
            Assert.That(result.SkipReason, Does.Contain("other-instance"));
            Assert.That(result.Deletions, Is.Empty);
            Assert.That(registry.HasBlobData(stray.Digest), Is.True);
            Assert.That(File.ReadAllText(lease), Does.Contain("other-instance"), "the lease stays its holder's");
        });
    }

    [Test]
    public async Task Expired_lease_is_taken_over_and_released_after_the_run()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        await registry.Client.PushBlobAsync(repository);
        var lease = WriteLease(registry, "crashed-instance", DateTimeOffset.UtcNow.AddMinutes(-1));

        var result = await registry.CollectAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Skipped, Is.False);
            Assert.That(result.BlobsDeleted, Is.EqualTo(1));
            Assert.That(File.Exists(lease), Is.False, "released");
        });
    }

    [Test]
    public async Task Collectors_started_together_leave_every_image_whole()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        await registry.Client.PushMultiPlatformAsync(repository, "multi");
        var overwritten = await registry.PushImageAsync(repository, "v1");
        await registry.PushImageAsync(repository, "v1");
        await registry.Client.PushBlobAsync(repository);

        // Normally one takes the lease and the others skip; should two ever run at once, nothing breaks either.
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => registry.CollectAsync(deleteUntagged: true)));

        Assert.That(results.Count(result => !result.Skipped), Is.GreaterThanOrEqualTo(1));
        await registry.Client.AssertNoManifestAsync(repository, overwritten.Manifest.Digest);
        Assert.That(overwritten.Blobs.Any(blob => registry.HasBlobData(blob.Digest)), Is.False);
        await registry.AssertPullsAsync(repository, "multi");
        await registry.AssertPullsAsync(repository, "v1");
        Assert.That((await registry.CollectAsync(deleteUntagged: true)).Deletions, Is.Empty);
    }

    private static string WriteLease(CollectedRegistry registry, string owner, DateTimeOffset expires)
    {
        var path = registry.FilePath(RegistryLayout.GarbageCollectionLease);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $$"""{"Owner":"{{owner}}","Expires":"{{expires:O}}"}""", Encoding.UTF8);
        return path;
    }
}
