using OciRegistry.IO;

namespace OciRegistry.Hashing;

/// <summary>Passes an inner stream through unchanged while feeding every byte read to a hash and counting them.</summary>
internal sealed class HashingReadStream(Stream inner, ResumableSha256? hash) : ForwardOnlyReadStream
{
    public long BytesRead { get; private set; }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..read]);
        return read;
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        hash?.Append(data);
        BytesRead += data.Length;
    }
}
