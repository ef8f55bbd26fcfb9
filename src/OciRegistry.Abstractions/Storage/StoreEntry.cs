namespace OciRegistry.Storage;

/// <summary>One child of a listed directory.</summary>
/// <param name="Path">Full path of the child.</param>
/// <param name="IsDirectory"><c>true</c> when other entries lie under it, <c>false</c> for an object.</param>
public sealed record StoreEntry(string Path, bool IsDirectory)
{
    /// <summary>The last segment of <see cref="Path"/>.</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
}
