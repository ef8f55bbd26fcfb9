using System.Diagnostics;
using OciRegistry.Integration.Tests.Content;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// Reads another stream no faster than a given rate, in small pieces, so a request body or a download is still
/// under way seconds later; <see cref="Passed"/> tells when a position has been reached, the moment to cut the
/// storage server off.
/// </summary>
internal sealed class PacedStream : ReadOnlyStream
{
    private const int PieceSize = 64 * 1024;

    private readonly Stream inner;
    private readonly long bytesPerSecond;
    private readonly long signalAt;
    private readonly TaskCompletionSource passed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch clock = new();
    private long position;

    /// <param name="inner">The stream read; disposed with this one.</param>
    /// <param name="bytesPerSecond">The rate not to exceed.</param>
    /// <param name="signalAt">The number of bytes read after which <see cref="Passed"/> completes.</param>
    public PacedStream(Stream inner, long bytesPerSecond, long signalAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        this.inner = inner;
        this.bytesPerSecond = bytesPerSecond;
        this.signalAt = signalAt;
    }

    /// <summary>Completes once more than the signalled number of bytes has been read.</summary>
    public Task Passed => passed.Task;

    /// <summary>How many bytes have been read so far.</summary>
    public long BytesRead => Interlocked.Read(ref position);

    public override long Length => inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        clock.Start();
        // Wait until the bytes read so far are due at this rate.
        var due = TimeSpan.FromSeconds((double)position / bytesPerSecond) - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, cancellationToken);
        }

        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, PieceSize)], cancellationToken);
        if (Interlocked.Add(ref position, read) > signalAt)
        {
            passed.TrySetResult();
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
