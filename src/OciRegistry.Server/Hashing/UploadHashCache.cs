using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OciRegistry.Hashing;

/// <summary>
/// Keeps the running SHA-256 of uploads in progress so that a PATCH and the final PUT need not read the bytes
/// again. It is a cache, never the truth: a miss (another instance served the previous chunk, a restart, the
/// cache was full) only means the upload is hashed by reading it back when it completes.
/// </summary>
internal sealed class UploadHashCache : IDisposable
{
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Takes the hash of an upload if it covers exactly <paramref name="offset"/> bytes.</summary>
    public IncrementalHash? Take(string uploadKey, long offset)
    {
        if (!_entries.TryRemove(uploadKey, out var entry))
        {
            return null;
        }

        if (entry.Offset == offset)
        {
            return entry.Hash;
        }

        entry.Hash.Dispose();
        return null;
    }

    /// <summary>Returns a hash covering <paramref name="offset"/> bytes of an upload to the cache (or disposes it when full).</summary>
    public void Put(string uploadKey, long offset, IncrementalHash hash)
    {
        if (_entries.Count >= Capacity || !_entries.TryAdd(uploadKey, new Entry(offset, hash)))
        {
            hash.Dispose();
        }
    }

    /// <summary>Forgets an upload.</summary>
    public void Remove(string uploadKey)
    {
        if (_entries.TryRemove(uploadKey, out var entry))
        {
            entry.Hash.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var key in _entries.Keys)
        {
            Remove(key);
        }
    }

    private sealed record Entry(long Offset, IncrementalHash Hash);
}
