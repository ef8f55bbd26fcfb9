namespace OciRegistry.Storage;

/// <summary>What a driver knows about a stored object.</summary>
/// <param name="Path">The object's path.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
/// <param name="Version">An opaque token (an ETag) that changes when the object's content changes, when the driver has one.</param>
public sealed record BlobInfo(string Path, long Length, DateTimeOffset LastModified, string? Version);
