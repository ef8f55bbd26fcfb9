namespace OciRegistry.Storage.FileSystem;

/// <summary>Settings of the filesystem driver (<c>OciRegistry:Storage:FileSystem</c>).</summary>
public sealed class FileSystemBlobStoreOptions
{
    /// <summary>
    /// The root folder. Registry data lies under <c>docker/registry/v2</c> inside it, exactly where the Go
    /// registry's <c>rootdirectory</c> puts it, so either registry can serve the other's folder.
    /// The driver keeps its temporary files and unfinished appends in <c>~oci-tmp</c> inside it, which no object path
    /// can name. A relative path is resolved against the working directory.
    /// </summary>
    public string RootDirectory { get; set; } = "registry-data";

    /// <summary>
    /// Whether uploaded blob data (appends) is written past the operating system's page cache, straight to the disk
    /// (<c>O_DIRECT</c>), where the system and the filesystem allow it: Linux, on ext4, XFS, Btrfs and most local
    /// filesystems; elsewhere, and when the filesystem refuses, the driver writes through the cache as usual. On by
    /// default. Every upload is flushed to the disk before it counts as stored anyway, so writing past the cache saves
    /// copying each byte into it, evicting other files' pages for data that is written once, and the flush of a whole
    /// blob at its end. A blob just pushed is then read from the disk the first time it is pulled.
    /// </summary>
    public bool DirectAppends { get; set; } = true;
}
