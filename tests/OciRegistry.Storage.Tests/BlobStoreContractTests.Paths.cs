using System.Text.Json;

namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    private static readonly string[] InvalidPaths =
    [
        "../x", "a/../b", "..", ".", "./a", "a/.", "a/./b", "a//b", "/abs", "a/", "a b", " ", "a\\b", "é", "a*b",
        "a?b", "a\nb", "a%2Fb", "~a",
    ];

    private static IEnumerable<TestCaseData> InvalidPathCases()
    {
        StoreOperation[] operations =
        [
            new("GetInfo", (store, path, token) => store.GetInfoAsync(path, token)),
            new("OpenRead", (store, path, token) => store.OpenReadAsync(path, 0, null, token)),
            new("Write", (store, path, token) => store.WriteAsync(path, new MemoryStream([1]), token)),
            new("Append", (store, path, token) => store.AppendAsync(path, 0, new MemoryStream([1]), token)),
            new("GetAppendedLength", (store, path, token) => store.GetAppendedLengthAsync(path, token)),
            new("CompleteAppend", (store, path, token) => store.CompleteAppendAsync(path, token)),
            new("List", async (store, path, token) => await store.ListAsync(path, token).CountAsync(token), AcceptsRoot: true),
            new("Delete", (store, path, token) => store.DeleteAsync(path, token), AcceptsRoot: true),
            new("MoveFrom", (store, path, token) => store.MoveAsync(path, "valid/destination", token)),
            new("MoveTo", (store, path, token) => store.MoveAsync("valid/source", path, token)),
            new("GetDownloadUri", (store, path, token) => store.GetDownloadUriAsync(path, TimeSpan.FromMinutes(5), token)),
        ];
        foreach (var operation in operations)
        {
            foreach (var path in operation.AcceptsRoot ? InvalidPaths : [.. InvalidPaths, string.Empty])
            {
                yield return new TestCaseData(operation, path).SetArgDisplayNames(operation.Name, JsonSerializer.Serialize(path));
            }
        }
    }

    [TestCaseSource(nameof(InvalidPathCases))]
    public void Invalid_paths_are_refused(StoreOperation operation, string path) =>
        Assert.That(async () => await operation.RunAsync(Store, path, CancellationToken.None), Throws.InstanceOf<InvalidStorePathException>());
}
