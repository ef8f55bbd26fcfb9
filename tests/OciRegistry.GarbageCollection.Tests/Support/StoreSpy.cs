using System.Collections.Concurrent;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests.Support;

/// <summary>
/// Wraps a driver: records every call (method and path), and fails the calls <see cref="FailWhen"/> picks with a storage
/// error.
/// </summary>
public sealed class StoreSpy(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentQueue<(string Method, string Path)> calls = new();

    public IReadOnlyList<(string Method, string Path)> Calls => [.. calls];

    /// <summary>Fails a call (method name, path) with <see cref="StoreUnavailableException"/> when it returns true.</summary>
    public Func<string, string, bool> FailWhen { get; set; } = (_, _) => false;

    public IEnumerable<string> PathsOf(string method) => Calls.Where(call => call.Method == method).Select(call => call.Path);

    public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default) =>
        Record(nameof(GetInfoAsync), path, () => inner.GetInfoAsync(path, cancellationToken));

    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default) =>
        Record(nameof(OpenReadAsync), path, () => inner.OpenReadAsync(path, offset, length, cancellationToken));

    public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default) =>
        Record(nameof(WriteAsync), path, () => inner.WriteAsync(path, content, cancellationToken));

    public Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default) =>
        Record(nameof(AppendAsync), path, () => inner.AppendAsync(path, offset, content, cancellationToken));

    public Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default) =>
        Record(nameof(GetAppendedLengthAsync), path, () => inner.GetAppendedLengthAsync(path, cancellationToken));

    public Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default) =>
        Record(nameof(CompleteAppendAsync), path, () => inner.CompleteAppendAsync(path, cancellationToken));

    public IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, CancellationToken cancellationToken = default)
    {
        Check(nameof(ListAsync), directoryPath);
        return inner.ListAsync(directoryPath, cancellationToken);
    }

    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        Record(nameof(DeleteAsync), path, () => inner.DeleteAsync(path, cancellationToken));

    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default) =>
        Record(nameof(MoveAsync), sourcePath, () => inner.MoveAsync(sourcePath, destinationPath, cancellationToken));

    public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        Record(nameof(GetDownloadUriAsync), path, () => inner.GetDownloadUriAsync(path, lifetime, cancellationToken));

    private Task<T> Record<T>(string method, string path, Func<Task<T>> call)
    {
        Check(method, path);
        return call();
    }

    private Task Record(string method, string path, Func<Task> call)
    {
        Check(method, path);
        return call();
    }

    private void Check(string method, string path)
    {
        calls.Enqueue((method, path));
        if (FailWhen(method, path))
        {
            throw new StoreUnavailableException($"{method} {path} failed (injected)");
        }
    }
}
