namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    // Each runs in a directory holding "object" (an object) and "upload" (an append of 10 bytes, not completed).
    private static IEnumerable<TestCaseData> CancellableOperations()
    {
        StoreOperation[] operations =
        [
            new("GetInfo", (store, directory, token) => store.GetInfoAsync(directory + "/object", token)),
            new("OpenRead", (store, directory, token) => store.OpenReadAsync(directory + "/object", 0, null, token)),
            new("Write", (store, directory, token) => store.WriteAsync(directory + "/object", new MemoryStream([1, 2, 3]), token)),
            new("Append", (store, directory, token) => store.AppendAsync(directory + "/upload", 10, new MemoryStream([1, 2, 3]), token)),
            new("GetAppendedLength", (store, directory, token) => store.GetAppendedLengthAsync(directory + "/upload", token)),
            new("CompleteAppend", (store, directory, token) => store.CompleteAppendAsync(directory + "/upload", token)),
            new("List", async (store, directory, token) => await store.ListAsync(directory, token).CountAsync(token)),
            new("Delete", (store, directory, token) => store.DeleteAsync(directory + "/object", token)),
            new("Move", (store, directory, token) => store.MoveAsync(directory + "/object", directory + "/moved", token)),
            new("GetDownloadUri", (store, directory, token) => store.GetDownloadUriAsync(directory + "/object", TimeSpan.FromMinutes(5), token)),
        ];
        return operations.Select(operation => new TestCaseData(operation).SetArgDisplayNames(operation.Name));
    }

    [TestCaseSource(nameof(CancellableOperations))]
    public async Task Every_operation_refuses_a_cancelled_token_and_changes_nothing(StoreOperation operation)
    {
        await WriteTextAsync(TestPath("object"), "kept");
        await Store.AppendAsync(TestPath("upload"), 0, new GeneratedStream(10, seed: 80));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.That(async () => await operation.RunAsync(Store, _prefix, cancellation.Token), Throws.InstanceOf<OperationCanceledException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadTextAsync(TestPath("object")), Is.EqualTo("kept"));
            Assert.That(await Store.GetAppendedLengthAsync(TestPath("upload")), Is.EqualTo(10));
            Assert.That(await Store.GetInfoAsync(TestPath("upload")), Is.Null);
            Assert.That(await Store.GetInfoAsync(TestPath("moved")), Is.Null);
        }
    }
}
