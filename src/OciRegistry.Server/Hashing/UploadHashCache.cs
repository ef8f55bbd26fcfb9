using System.Collections.Concurrent;

namespace OciRegistry.Hashing;

/// <summary>
/// Keeps the running SHA-256 of uploads this instance served last, so the next chunk or the final PUT need not
/// load it from storage. A cache, never the truth: the state is also saved in storage after every chunk, and a
/// miss only means loading it from there (or, without it, reading the upload back once when it completes).
/// </summary>
internal sealed class UploadHashCache
{
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<string, ResumableSha256> _entries = new(StringComparer.Ordinal);

    /// <summary>Takes the hash of an upload if it covers exactly <paramref name="offset"/> bytes.</summary>
    public ResumableSha256? Take(string uploadKey, long offset) =>
        _entries.TryRemove(uploadKey, out var hash) && hash.Length == offset ? hash : null;

    /// <summary>Keeps the hash of an upload (dropped when the cache is full).</summary>
    public void Put(string uploadKey, ResumableSha256 hash)
    {
        if (_entries.Count < Capacity)
        {
            _entries[uploadKey] = hash;
        }
    }

    /// <summary>Forgets an upload.</summary>
    public void Remove(string uploadKey) => _entries.TryRemove(uploadKey, out _);
}
