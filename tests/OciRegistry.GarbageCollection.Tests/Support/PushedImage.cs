namespace OciRegistry.GarbageCollection.Tests.Support;

/// <summary>An image a test pushed: its manifest and the blobs it references.</summary>
public sealed record PushedImage(TestManifest Manifest, TestBlob Config, IReadOnlyList<TestBlob> Layers)
{
    public IEnumerable<TestBlob> Blobs => Layers.Prepend(Config);
}
