namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddOciRegistry()</c>; storage drivers and add-ons hang their extension methods on it
/// (<c>AddFileSystemBlobStore()</c>, <c>AddS3BlobStore()</c>, ...).
/// </summary>
public interface IOciRegistryBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
