namespace OciRegistry.Storage;

/// <summary>What a driver knows about a stored object.</summary>
/// <param name="Path">The object's path.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
/// <param name="Version">An opaque token that changes whenever the object is rewritten (an ETag), when the driver has one.</param>
public sealed record BlobInfo(string Path, long Length, DateTimeOffset LastModified, string? Version);
