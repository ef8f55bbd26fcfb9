using OciRegistry.Content;
using OciRegistry.GarbageCollection.Tests.Support;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>Uploads started longer ago than the purge age are deleted on the collection's schedule.</summary>
public sealed class UploadPurgeTests
{
    [TestCase("2001-02-03T04:05:06.0000000+00:00", TestName = "Upload_older_than_the_purge_age_is_deleted_and_a_recent_one_continues")]
    [TestCase("2001-02-03T04:05:06Z", TestName = "Upload_started_by_the_go_registry_long_ago_is_deleted")]
    public async Task Old_upload_is_purged(string startedAt)
    {
        await using var registry = await CollectedRegistry.StartAsync(options => options.UploadPurgeAge = TimeSpan.FromHours(1));
        var repository = CollectedRegistry.NewRepository();
        var abandoned = await registry.Client.StartUploadAsync(repository);
        using (var chunk = await registry.Client.PatchAsync(abandoned, new byte[1000], "0-999"))
        {
            await ResponseAssert.StatusAsync(chunk, HttpStatusCode.Accepted);
        }

        var recent = await registry.Client.StartUploadAsync(repository);
        await File.WriteAllTextAsync(registry.FilePath(RegistryLayout.UploadStartedAt(RepositoryName.Parse(repository), UploadId(abandoned))), startedAt);

        var dryRun = await registry.CollectAsync(dryRun: true);
        var result = await registry.CollectAsync();

        var expected = new GarbageCollectionDeletion(GarbageCollectionItemKind.Upload, repository, UploadId(abandoned), 1000);
        Assert.Multiple(() =>
        {
            Assert.That(dryRun.Deletions, Is.EqualTo(new[] { expected }));
            Assert.That(result.Deletions, Is.EqualTo(new[] { expected }));
            Assert.That(result.BytesFreed, Is.EqualTo(1000));
        });
        using (var gone = await registry.Client.SendAsync(HttpMethod.Get, abandoned))
        {
            await ResponseAssert.ErrorAsync(gone, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }

        var blob = TestBlob.Random();
        using var finish = await registry.Client.PutUploadAsync(recent, blob.Digest, blob.Content);
        await registry.Client.AssertBlobCreatedAsync(finish, repository, blob);
    }

    private static string UploadId(Uri upload) => upload.AbsolutePath.TrimEnd('/').Split('/')[^1];
}
