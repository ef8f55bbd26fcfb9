using OciRegistry.GarbageCollection.Tests.Support;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>With <c>Enabled</c>, the registry collects by itself on its interval while it serves.</summary>
public sealed class BackgroundCollectionTests
{
    [Test]
    public async Task Enabled_registry_collects_on_its_interval()
    {
        await using var registry = await CollectedRegistry.StartAsync(options =>
        {
            options.Enabled = true;
            options.Interval = TimeSpan.FromMilliseconds(200);

            // With no grace a run may sweep the image's layers between their upload and the manifest PUT (a push that
            // fails cleanly with MANIFEST_BLOB_UNKNOWN, as README "Garbage collection" says); the grace covers the push.
            options.GracePeriod = TimeSpan.FromSeconds(3);
        });
        var repository = CollectedRegistry.NewRepository();
        await registry.PushImageAsync(repository, "v1");
        var stray = await registry.Client.PushBlobAsync(repository);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (registry.HasBlobData(stray.Digest))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the stray blob was never collected");
            await Task.Delay(50);
        }

        await registry.AssertPullsAsync(repository, "v1");
    }

    [Test]
    public async Task Disabled_registry_never_collects()
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.Interval = TimeSpan.FromMilliseconds(50));
        var repository = CollectedRegistry.NewRepository();
        var stray = await registry.Client.PushBlobAsync(repository);

        await Task.Delay(500);

        await registry.Client.AssertBlobAsync(repository, stray);
    }
}
