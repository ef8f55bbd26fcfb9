using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace OciRegistry.Storage.FileSystem;

/// <summary>
/// <see cref="IBlobStore"/> on a local (or network-mounted) folder. Whole-object writes go to a temporary file
/// that is renamed into place, so readers never see a partial object. Appends go to a file of their own beside the
/// object, named <c>&lt;name&gt;~append</c>, locked while an append runs, and renamed into place when completed.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    // The driver's own files have a character ('~') in their names that store paths may not contain, so that no object
    // path can ever reach them, and listings leave them out. Temporary files of whole writes live in one folder under
    // the root: on the same filesystem, so that renames out of it are atomic.
    internal const string InternalFolderName = "~oci-tmp";
    private const char InternalNameMarker = '~';

    // An unfinished append lies beside its object rather than in a tree of its own: an upload then creates no
    // directories besides its object's (each costs a few hundred microseconds of journal work on ext4, and a tree of
    // appends would mirror every repository's path), and completing it is a rename within one directory.
    private const string AppendSuffix = "~append";

    // A concurrent delete may remove a directory that is empty for an instant between our creating it and our
    // putting a file in it; we create it again this many times before giving up.
    private const int DirectoryRaceRetries = 8;

    // Unix takes an exclusive advisory lock (flock) only for FileShare.None. Windows needs FileShare.Delete so that
    // the lock holder can still rename the file when it completes an append; other writers are refused either way.
    private static readonly FileShare ExclusiveShare = OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None;

    // Skip no attributes: on Unix a name starting with a dot counts as hidden, and such names are objects like any other.
    private static readonly EnumerationOptions DirectChildren = new() { AttributesToSkip = 0, IgnoreInaccessible = false };
    private static readonly EnumerationOptions AllDescendants = new() { AttributesToSkip = 0, RecurseSubdirectories = true };

    private readonly string _root;
    private readonly string _writesDirectory;
    private readonly bool _directAppends;
    private readonly FileContentWriter _writer = new();

    /// <summary>Creates the driver on the folder named by <paramref name="options"/>.</summary>
    public FileSystemBlobStore(IOptions<FileSystemBlobStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.RootDirectory));
        var internalDirectory = Path.Combine(_root, InternalFolderName);
        _writesDirectory = Path.Combine(internalDirectory, "writes");
        _directAppends = options.Value.DirectAppends;
    }

    /// <summary>The absolute root folder.</summary>
    public string RootDirectory => _root;

    /// <inheritdoc />
    public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(ObjectPath(path));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(file.Exists ? ToBlobInfo(path, file) : null);
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        var fullPath = ObjectPath(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(length));
        }

        cancellationToken.ThrowIfCancellationRequested();
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
    public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default) =>
        WriteAsync(path, content, flushToDisk: true, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The file is not flushed to the disk: a flush waits for a journal commit, the most of such a small write.</remarks>
    public Task WriteTransientAsync(string path, Stream content, CancellationToken cancellationToken = default) =>
        WriteAsync(path, content, flushToDisk: false, cancellationToken);

    private async Task WriteAsync(string path, Stream content, bool flushToDisk, CancellationToken cancellationToken)
    {
        var destination = ObjectPath(path);
        ArgumentNullException.ThrowIfNull(content);
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(_writesDirectory);
        var temporary = Path.Combine(_writesDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await _writer.CopyAsync(content, file.SafeFileHandle, 0, direct: false, cancellationToken).ConfigureAwait(false);

                // Without this a crash soon after the rename can leave a visible object with missing bytes.
                if (flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            MoveIntoPlace(temporary, destination, path);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        var appendFile = AppendPath(path);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        cancellationToken.ThrowIfCancellationRequested();
        var file = OpenAppendFile(path, appendFile, create: offset == 0);
        await using (file.ConfigureAwait(false))
        {
            if (file.Length != offset)
            {
                throw new StoreConflictException($"Append to '{path}' at offset {offset}, but its length is {file.Length}.");
            }

            return await _writer.CopyAsync(content, file.SafeFileHandle, offset, _directAppends, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(AppendPath(path));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    /// <inheritdoc />
    public Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default)
    {
        var appendFile = AppendPath(path);
        var destination = ObjectPath(path);
        cancellationToken.ThrowIfCancellationRequested();
        FileStream file;
        try
        {
            // Taking the append lock keeps a late append from writing into the file after it became an object.
            file = new FileStream(appendFile, FileMode.Open, FileAccess.Write, ExclusiveShare, 0, FileOptions.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StorePathNotFoundException(path);
        }
        catch (IOException e) when (File.Exists(appendFile))
        {
            throw new StoreConflictException($"An append to '{path}' is running.", e);
        }
        catch (IOException e)
        {
            // Locked, then taken away: another completion (or a delete) of the same append ran.
            throw new StoreConflictException($"The append to '{path}' was completed or deleted while this completion ran.", e);
        }

        using (file)
        {
            file.Flush(flushToDisk: true);
            MoveIntoPlace(appendFile, destination, path);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var directory = new DirectoryInfo(ObjectPath(directoryPath, allowRoot: true));
        cancellationToken.ThrowIfCancellationRequested();
        if (!directory.Exists)
        {
            yield break;
        }

        var prefix = directoryPath.Length == 0 ? string.Empty : directoryPath + "/";
        List<FileSystemInfo> children;
        try
        {
            children = directory.EnumerateFileSystemInfos("*", DirectChildren).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        foreach (var child in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsInternal(child.Name))
            {
                continue;
            }

            // A directory exists while an object lies under it; an empty folder is only a leftover of a crash or of a
            // race between a delete and a write, so it is no directory.
            if (child is DirectoryInfo subdirectory && !ContainsAnyFile(subdirectory))
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
        var objectPath = ObjectPath(path, allowRoot: true);
        cancellationToken.ThrowIfCancellationRequested();
        if (path.Length == 0)
        {
            // The root and the driver's own folder stay: writes in flight keep their temporary files.
            return Task.FromResult(DeleteContents(new DirectoryInfo(_root), skipName: InternalFolderName));
        }

        // A tree takes the unfinished appends inside it along; the object's own append lies beside it.
        var deleted = DeleteFileOrTree(objectPath);
        deleted |= DeleteFileOrTree(objectPath + AppendSuffix);
        RemoveEmptyParents(objectPath, _root);
        return Task.FromResult(deleted);
    }

    /// <inheritdoc />
    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default)
    {
        var source = ObjectPath(sourcePath);
        var destination = ObjectPath(destinationPath);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(source))
        {
            throw new StorePathNotFoundException(sourcePath);
        }

        if (sourcePath == destinationPath)
        {
            return Task.CompletedTask;
        }

        try
        {
            MoveIntoPlace(source, destination, destinationPath);
        }
        catch (IOException) when (!File.Exists(source))
        {
            // Another caller moved or deleted it first.
            throw new StorePathNotFoundException(sourcePath);
        }

        RemoveEmptyParents(source, _root);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<Uri?>(null);
    }

    private static BlobInfo ToBlobInfo(string path, FileInfo file)
    {
        var modified = file.LastWriteTimeUtc;
        var version = string.Create(CultureInfo.InvariantCulture, $"{modified.Ticks:x}-{file.Length:x}");
        return new BlobInfo(path, file.Length, new DateTimeOffset(modified), version);
    }

    private FileStream OpenAppendFile(string path, string appendFile, bool create)
    {
        for (var attempt = 0; ; attempt++)
        {
            FileStream file;
            try
            {
                if (create)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(appendFile)!);
                }

                file = new FileStream(appendFile, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.Write, ExclusiveShare, 0, FileOptions.Asynchronous);
            }
            catch (Exception e) when (!create && e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new StoreConflictException($"Append to '{path}' at a non-zero offset, but no append was started there.", e);
            }
            catch (DirectoryNotFoundException) when (attempt < DirectoryRaceRetries)
            {
                continue;
            }
            catch (IOException e) when (File.Exists(appendFile))
            {
                throw new StoreConflictException($"Another append to '{path}' is running.", e);
            }
            catch (IOException e) when (!create && !File.Exists(appendFile))
            {
                // Locked, then taken away: a completion (or a delete) of the append ran.
                throw new StoreConflictException($"The append at '{path}' was completed or deleted while this one started.", e);
            }
            catch (IOException e) when (IsBlockedByAnotherKind(appendFile, _root))
            {
                throw new StoreConflictException($"An append at '{path}' clashes with one at a parent or child path.", e);
            }

            // The lock may have been granted on a file that a completion or a delete took away in the meantime.
            if (File.Exists(appendFile))
            {
                return file;
            }

            file.Dispose();
            if (!create || attempt >= DirectoryRaceRetries)
            {
                throw new StoreConflictException($"The append at '{path}' was completed or deleted while this one started.");
            }
        }
    }

    private void MoveIntoPlace(string source, string destination, string destinationPath)
    {
        KeepVersionMovingForward(source, destination);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);

                // rename(2): atomic replacement, readers see the old or the new file.
                File.Move(source, destination, overwrite: true);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < DirectoryRaceRetries && File.Exists(source))
            {
                // A concurrent delete removed the new, still empty directory: create it again.
            }
            catch (IOException e) when (IsBlockedByAnotherKind(destination, _root))
            {
                throw new StoreConflictException($"'{destinationPath}' clashes with a directory there or an object at a parent path.", e);
            }
        }
    }

    // The version is derived from the modification time; a rewrite within the filesystem's timestamp granularity
    // would otherwise keep it, and callers comparing versions would miss the change.
    private static void KeepVersionMovingForward(string source, string destination)
    {
        var previous = File.GetLastWriteTimeUtc(destination);
        if (File.GetLastWriteTimeUtc(source) <= previous)
        {
            File.SetLastWriteTimeUtc(source, previous.AddTicks(1));
        }
    }

    // True when the path is a directory or a parent of it is a file: the filesystem cannot hold both, as object
    // storage can.
    private static bool IsBlockedByAnotherKind(string fullPath, string stopAt)
    {
        if (Directory.Exists(fullPath))
        {
            return true;
        }

        for (var parent = Path.GetDirectoryName(fullPath); parent is not null && parent.Length > stopAt.Length; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInternal(string name) => name.Contains(InternalNameMarker, StringComparison.Ordinal);

    // Objects only: a folder holding nothing but unfinished appends is not there yet.
    private static bool ContainsAnyFile(DirectoryInfo directory)
    {
        try
        {
            return directory.EnumerateFiles("*", AllDescendants).Any(file => !IsInternal(file.Name));
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static bool DeleteFileOrTree(string fullPath)
    {
        if (File.Exists(fullPath))
        {
            File.Delete(fullPath);
            return true;
        }

        var directory = new DirectoryInfo(fullPath);
        if (!directory.Exists)
        {
            return false;
        }

        var deleted = DeleteContents(directory, skipName: null);
        TryRemoveEmptyDirectory(fullPath);
        return deleted;
    }

    // Deletes file by file rather than with one recursive Directory.Delete: a write landing in the tree meanwhile
    // survives instead of failing the delete, and the result says whether any object was really removed.
    private static bool DeleteContents(DirectoryInfo directory, string? skipName)
    {
        FileSystemInfo[] children;
        try
        {
            children = directory.GetFileSystemInfos("*", DirectChildren);
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }

        var deleted = false;
        foreach (var child in children)
        {
            if (child.Name == skipName)
            {
                continue;
            }

            // A link is removed, never followed: what it points at may lie outside the root.
            if (child is DirectoryInfo subdirectory && child.LinkTarget is null)
            {
                deleted |= DeleteContents(subdirectory, skipName: null);
                TryRemoveEmptyDirectory(subdirectory.FullName);
            }
            else
            {
                try
                {
                    child.Delete();
                    deleted = true;
                }
                catch (DirectoryNotFoundException)
                {
                    // A concurrent delete of the same tree removed its folder first.
                }
            }
        }

        return deleted;
    }

    private static void RemoveEmptyParents(string fullPath, string stopAt)
    {
        for (var parent = Path.GetDirectoryName(fullPath); parent is not null && parent.Length > stopAt.Length; parent = Path.GetDirectoryName(parent))
        {
            if (!TryRemoveEmptyDirectory(parent) && Directory.Exists(parent))
            {
                return;
            }
        }
    }

    private static bool TryRemoveEmptyDirectory(string fullPath)
    {
        try
        {
            Directory.Delete(fullPath, recursive: false);
            return true;
        }
        catch (IOException)
        {
            // Not empty (someone wrote into it), or already gone.
            return false;
        }
    }

    private string ObjectPath(string path, bool allowRoot = false)
    {
        StorePath.Validate(path, allowRoot);
        return path.Length == 0 ? _root : Path.Join(_root, path);
    }

    private string AppendPath(string path) => ObjectPath(path) + AppendSuffix;
}
