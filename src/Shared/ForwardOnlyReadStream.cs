namespace OciRegistry.IO;

/// <summary>
/// A stream that is read front to back and nothing else: the wrappers that pass a body through (ranged reads, hashing,
/// size limits, a driver's download) derive from it and implement only the two reads. Seeking, writing and the length
/// are refused once here, and disposing disposes what the wrapper was given to own.
/// </summary>
/// <remarks>
/// Compiled into each package (src/Directory.Build.props) rather than made public in
/// OciRegistry.Abstractions: it is an implementation detail of the packages, not part of the driver contract.
/// </remarks>
internal abstract class ForwardOnlyReadStream : Stream
{
    private readonly IDisposable? _owned;

    /// <param name="owned">Disposed with this stream (the inner stream, or the response it belongs to); null when the caller keeps it.</param>
    protected ForwardOnlyReadStream(IDisposable? owned = null) => _owned = owned;

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public sealed override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected sealed override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned?.Dispose();
        }

        base.Dispose(disposing);
    }

    public sealed override async ValueTask DisposeAsync()
    {
        if (_owned is IAsyncDisposable owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
