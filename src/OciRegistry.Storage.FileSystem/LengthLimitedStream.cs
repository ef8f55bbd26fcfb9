using OciRegistry.IO;

namespace OciRegistry.Storage.FileSystem;

/// <summary>A read-only view of at most a given number of bytes of an inner stream (ranged reads).</summary>
internal sealed class LengthLimitedStream(Stream inner, long limit) : ForwardOnlyReadStream(owned: inner)
{
    // A field rather than the captured parameter: the base owns the same stream (CS9107).
    private readonly Stream _inner = inner;
    private long _remaining = limit;

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= read;
        return read;
    }
}
