using OciRegistry.IO;

namespace OciRegistry.Limits;

/// <summary>
/// Passes at most <c>limit</c> bytes of a request body through; the first byte beyond it throws the error
/// <c>exceeded</c> makes, before that byte is handed on, so storage never receives more than the limit.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, Func<Exception> exceeded) : ForwardOnlyReadStream
{
    private long read;

    /// <summary>How many bytes have been read.</summary>
    public long BytesRead => read;

    public override long Position
    {
        get => read;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer[..Allowed(buffer.Length)]);
        return Count(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false);
        return Count(n);
    }

    /// <summary>Asks for one byte more than the limit allows, so a body that goes on past it is noticed.</summary>
    private int Allowed(int wanted)
    {
        var remaining = Math.Max(0, limit - read);
        return remaining >= wanted ? wanted : (int)remaining + 1;
    }

    private int Count(int n)
    {
        read += n;
        return read > limit ? throw exceeded() : n;
    }
}
