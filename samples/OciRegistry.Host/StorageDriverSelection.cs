namespace OciRegistry.Host;

/// <summary>Picks the storage driver named by <c>OciRegistry:Storage:Driver</c>.</summary>
internal static class StorageDriverSelection
{
    /// <summary>Adds the driver; prints the problem and returns <c>false</c> when the name is no driver this host knows.</summary>
    public static bool TryAddStorageDriverFromConfiguration(this IOciRegistryBuilder registry, IConfigurationSection storage)
    {
        var driver = storage["Driver"];
        switch (string.IsNullOrWhiteSpace(driver) ? "filesystem" : driver.Trim().ToLowerInvariant())
        {
            case "filesystem":
                registry.AddFileSystemBlobStore(storage.GetSection("FileSystem"));
                return true;
            case "azure":
                registry.AddAzureBlobStore(storage.GetSection("Azure"));
                return true;
            case "s3":
                registry.AddS3BlobStore(storage.GetSection("S3"));
                return true;
            default:
                Console.Error.WriteLine($"OciRegistry:Storage:Driver is '{driver}'; this host knows: filesystem, azure, s3.");
                return false;
        }
    }
}
