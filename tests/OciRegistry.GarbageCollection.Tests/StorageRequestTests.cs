using OciRegistry.Content;
using OciRegistry.GarbageCollection.Tests.Support;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>
/// What a collection asks of storage, which decides its speed on object stores: each folder is listed once per pass,
/// each tag and manifest read once, and only deletion candidates are looked at one by one.
/// </summary>
public sealed class StorageRequestTests
{
    [Test]
    public async Task Marking_lists_each_folder_once_and_only_candidates_are_looked_at_one_by_one()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var strays = new List<string>();
        var manifests = 0;
        for (var i = 0; i < 3; i++)
        {
            var repository = CollectedRegistry.NewRepository();
            await registry.PushImageAsync(repository, "v1");
            await registry.PushImageAsync(repository, "v2");
            await registry.PushImageAsync(repository, null);
            strays.Add((await registry.Client.PushBlobAsync(repository)).Digest);
            manifests += 3;
        }

        var spy = new StoreSpy(registry.Store);
        var result = await registry.CollectorOver(spy).CollectAsync();

        var strayPaths = strays.Select(Digest.Parse).SelectMany(digest => new[] { digest.Encoded }).ToList();
        var listed = spy.PathsOf(nameof(IBlobStore.ListAsync)).GroupBy(path => path).ToList();
        var read = spy.PathsOf(nameof(IBlobStore.OpenReadAsync)).Where(path => path != RegistryLayout.GarbageCollectionLease).ToList();
        var looked = spy.PathsOf(nameof(IBlobStore.GetInfoAsync)).Where(path => path != RegistryLayout.GarbageCollectionLease).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.BlobsDeleted, Is.EqualTo(3));
            Assert.That(listed.Where(group => group.Count() > 2).Select(group => group.Key), Is.Empty,
                "no folder is listed more than twice (the mark, and the final check after sweeping)");
            Assert.That(listed.Where(group => group.Key.StartsWith(RegistryLayout.BlobsRoot, StringComparison.Ordinal) && group.Count() > 1), Is.Empty,
                "blobs/ is walked once");
            Assert.That(read, Is.Unique, "each tag link and each manifest is read once");
            Assert.That(read.Count(path => path.StartsWith(RegistryLayout.BlobsRoot, StringComparison.Ordinal)), Is.EqualTo(manifests));
            Assert.That(looked, Has.Count.EqualTo(2 * strays.Count), "a look at each unmarked link and each unmarked blob's data, nothing else");
            Assert.That(looked.All(path => strayPaths.Exists(path.Contains)), Is.True, string.Join(", ", looked));
        });
    }
}
