using System.Collections.Concurrent;
using OciRegistry.Storage;

namespace OciRegistry.Api.Tests.Embedding;

/// <summary>
/// An application's own <see cref="IBlobStore"/>: it keeps the objects in another store and records every path it
/// was asked to write, so a test can tell the registry used it.
/// </summary>
public sealed class RecordingBlobStore(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentQueue<string> writtenPaths = new();

    /// <summary>Paths given to <see cref="WriteAsync"/>, <see cref="AppendAsync"/> and <see cref="MoveAsync"/> (destination).</summary>
    public IReadOnlyCollection<string> WrittenPaths => writtenPaths;

    public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default) =>
        inner.GetInfoAsync(path, cancellationToken);

    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(path, offset, length, cancellationToken);

    public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        writtenPaths.Enqueue(path);
        return inner.WriteAsync(path, content, cancellationToken);
    }

    public Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        writtenPaths.Enqueue(path);
        return inner.AppendAsync(path, offset, content, cancellationToken);
    }

    public Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default) =>
        inner.GetAppendedLengthAsync(path, cancellationToken);

    public Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default) =>
        inner.CompleteAppendAsync(path, cancellationToken);

    public IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, CancellationToken cancellationToken = default) =>
        inner.ListAsync(directoryPath, cancellationToken);

    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(path, cancellationToken);

    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default)
    {
        writtenPaths.Enqueue(destinationPath);
        return inner.MoveAsync(sourcePath, destinationPath, cancellationToken);
    }

    public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        inner.GetDownloadUriAsync(path, lifetime, cancellationToken);
}
