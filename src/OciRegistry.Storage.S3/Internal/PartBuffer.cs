using System.Buffers;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// One part's worth of bytes in pooled memory: what the driver holds per write or append in progress. AWSSDK
/// needs a seekable stream of known length per request (to sign it and to retry it), which a request body is
/// not; buffering a part at a time gives it one without ever holding more than a part.
/// </summary>
internal sealed class PartBuffer : IDisposable
{
    private byte[]? _array;

    public PartBuffer(int capacity)
    {
        Capacity = capacity;
        _array = ArrayPool<byte>.Shared.Rent(capacity);
    }

    /// <summary>How many bytes the buffer takes.</summary>
    public int Capacity { get; }

    /// <summary>How many bytes it holds.</summary>
    public int Count { get; private set; }

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PartBuffer));

    /// <summary>
    /// Reads from <paramref name="source"/> until the buffer is full or the source ends.
    /// A failure of the source is wrapped in <see cref="SourceStreamException"/>, to tell it from a storage failure.
    /// </summary>
    /// <returns><c>true</c> when the source ended (the buffer may be full all the same).</returns>
    public async Task<bool> FillFromAsync(Stream source, CancellationToken cancellationToken)
    {
        var wanted = Capacity - Count;
        int read;
        try
        {
            read = await source.ReadAtLeastAsync(Array.AsMemory(Count, wanted), wanted, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SourceStreamException(e);
        }

        Count += read;
        return read < wanted;
    }

    /// <summary>Appends exactly <paramref name="length"/> bytes of a storage response.</summary>
    /// <returns><c>false</c> when the response ended early.</returns>
    public async Task<bool> LoadAsync(Stream response, int length, CancellationToken cancellationToken)
    {
        var read = await response.ReadAtLeastAsync(Array.AsMemory(Count, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        Count += read;
        return read == length;
    }

    /// <summary>A read-only, seekable view of the bytes held, for one request.</summary>
    public MemoryStream AsStream() => new(Array, 0, Count, writable: false);

    /// <summary>Empties the buffer.</summary>
    public void Clear() => Count = 0;

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
