using OciRegistry.Storage.Tests.FileSystem;

namespace OciRegistry.Storage.Tests;

/// <summary>The drivers <see cref="BlobStoreContractTests"/> runs against, one fixture each.</summary>
public static class BlobStoreTestTargets
{
    /// <summary>One fixture argument per driver, named after it.</summary>
    public static IEnumerable<TestFixtureData> All()
    {
        yield return Target("FileSystem", new FileSystemBlobStoreTestTarget());
        yield return Target("Azure", new Azure.AzureBlobStoreTestTarget());
        yield return Target("S3", new S3.S3BlobStoreTestTarget());
    }

    private static TestFixtureData Target(string name, IBlobStoreTestTarget target) =>
        new TestFixtureData(target).SetArgDisplayNames(name);
}
