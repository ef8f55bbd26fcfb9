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
}
