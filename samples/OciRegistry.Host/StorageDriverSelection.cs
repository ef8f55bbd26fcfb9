namespace OciRegistry.Host;

/// <summary>Picks the storage driver named by <c>OciRegistry:Storage:Driver</c>.</summary>
internal static class StorageDriverSelection
{
    public static IOciRegistryBuilder AddStorageDriverFromConfiguration(this IOciRegistryBuilder registry, IConfigurationSection storage)
    {
        var driver = storage["Driver"];
        switch (string.IsNullOrWhiteSpace(driver) ? "filesystem" : driver.Trim().ToLowerInvariant())
        {
            case "filesystem":
                return registry.AddFileSystemBlobStore(storage.GetSection("FileSystem"));
            case "azure":
                return registry.AddAzureBlobStore(storage.GetSection("Azure"));
            case "s3":
                return registry.AddS3BlobStore(storage.GetSection("S3"));
            default:
                throw new InvalidOperationException(
                    $"OciRegistry:Storage:Driver is '{driver}'; this host knows: filesystem, azure, s3.");
        }
    }
}
