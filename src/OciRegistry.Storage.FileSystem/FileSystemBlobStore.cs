using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace OciRegistry.Storage.FileSystem;

/// <summary>
/// <see cref="IBlobStore"/> on a local (or network-mounted) folder. Whole-object writes go to a temporary file
/// that is renamed into place, so readers never see a partial object; appends go straight to the file.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    // Temporary files live outside the registry tree so no listing ever sees them, on the same filesystem
    // so that the final rename is atomic.
    private const string TempFolderName = ".oci-tmp";
    private const int CopyBufferSize = 1 << 20;

    private readonly string _root;
    private readonly string _tempDirectory;

    /// <summary>Creates the driver on the folder named by <paramref name="options"/>.</summary>
    public FileSystemBlobStore(IOptions<FileSystemBlobStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.GetFullPath(options.Value.RootDirectory);
        _tempDirectory = Path.Combine(_root, TempFolderName);
    }

    /// <summary>The absolute root folder.</summary>
    public string RootDirectory => _root;

    /// <inheritdoc />
    public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(ToFullPath(path));
        BlobInfo? info = file.Exists
            ? new BlobInfo(path, file.Length, file.LastWriteTimeUtc, file.LastWriteTimeUtc.Ticks.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "-" + file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : null;
        return Task.FromResult(info);
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var fullPath = ToFullPath(path);
        FileStream stream;
        try
        {
            stream = new FileStream(fullPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StorePathNotFoundException(path);
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(fullPath))
        {
            throw new StorePathNotFoundException(path);
        }

        if (offset > 0)
        {
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        }

        if (length is { } limit)
        {
            return Task.FromResult<Stream>(new LengthLimitedStream(stream, limit));
        }

        return Task.FromResult<Stream>(stream);
    }

    /// <inheritdoc />
    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fullPath = ToFullPath(path);
        Directory.CreateDirectory(_tempDirectory);
        var tempPath = Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
            }

            MoveFile(tempPath, fullPath);
        }
        catch
        {
            TryDeleteFile(tempPath);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var fullPath = ToFullPath(path);
        if (offset == 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        }

        FileStream file;
        try
        {
            // FileShare.None takes an exclusive advisory lock: a second concurrent append fails instead of interleaving.
            file = new FileStream(fullPath, offset == 0 ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StoreConflictException($"No append was started at '{path}'.");
        }
        catch (IOException e)
        {
            throw new StoreConflictException($"Another append to '{path}' is running.", e);
        }

        await using (file.ConfigureAwait(false))
        {
            if (file.Length != offset)
            {
                throw new StoreConflictException($"Append to '{path}' at offset {offset}, but its length is {file.Length}.");
            }

            file.Seek(offset, SeekOrigin.Begin);
            await content.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return file.Length;
        }
    }

    /// <inheritdoc />
    public Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(ToFullPath(path));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    /// <inheritdoc />
    public Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default)
    {
        // An appended file already is an ordinary file.
        if (!File.Exists(ToFullPath(path)))
        {
            throw new StorePathNotFoundException(path);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var fullPath = ToFullPath(directoryPath, allowRoot: true);
        var directory = new DirectoryInfo(fullPath);
        if (!directory.Exists)
        {
            yield break;
        }

        var prefix = directoryPath.Length == 0 ? string.Empty : directoryPath + "/";
        IEnumerable<FileSystemInfo> children;
        try
        {
            children = directory.EnumerateFileSystemInfos().ToList();
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        foreach (var child in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (directoryPath.Length == 0 && child.Name == TempFolderName)
            {
                continue;
            }

            yield return new StoreEntry(prefix + child.Name, child is DirectoryInfo);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var fullPath = ToFullPath(path, allowRoot: true);
        if (File.Exists(fullPath))
        {
            return Task.FromResult(TryDeleteFile(fullPath));
        }

        if (Directory.Exists(fullPath))
        {
            try
            {
                Directory.Delete(fullPath, recursive: true);
                return Task.FromResult(true);
            }
            catch (DirectoryNotFoundException)
            {
                return Task.FromResult(false);
            }
        }

        return Task.FromResult(false);
    }

    /// <inheritdoc />
    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default)
    {
        var source = ToFullPath(sourcePath);
        var destination = ToFullPath(destinationPath);
        if (!File.Exists(source))
        {
            throw new StorePathNotFoundException(sourcePath);
        }

        try
        {
            MoveFile(source, destination);
        }
        catch (FileNotFoundException)
        {
            throw new StorePathNotFoundException(sourcePath);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        Task.FromResult<Uri?>(null);

    private static void MoveFile(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        // rename(2): atomic replacement, readers see the old or the new file.
        File.Move(source, destination, overwrite: true);
    }

    private static bool TryDeleteFile(string fullPath)
    {
        try
        {
            File.Delete(fullPath);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string ToFullPath(string path, bool allowRoot = false)
    {
        StorePath.Validate(path, allowRoot);
        return path.Length == 0 ? _root : Path.Combine(_root, path);
    }
}
