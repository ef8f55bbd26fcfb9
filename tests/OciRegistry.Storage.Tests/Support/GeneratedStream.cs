using System.Buffers.Binary;

namespace OciRegistry.Storage.Tests.Support;

/// <summary>
/// A read-only, non-seekable stream of pseudo-random bytes made as they are read: any length without holding it
/// in memory, and always the same byte for the same seed and position, so a slice made with <c>start</c> continues
/// another stream exactly. Checkpoints run an action when the reader reaches a position, before it gets the bytes
/// past it: to pause, fail or look around in the middle of a driver's read.
/// </summary>
/// <remarks>Like an HTTP request body, it does not tell its length.</remarks>
public sealed class GeneratedStream : Stream
{
    private readonly int _seed;
    private readonly long _start;
    private readonly long _end;
    private readonly SortedList<long, Func<CancellationToken, Task>> _checkpoints = [];
    private long _position;

    /// <summary>Creates the stream of <paramref name="length"/> bytes from <paramref name="start"/> on.</summary>
    public GeneratedStream(long length, int seed, long start = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        _seed = seed;
        _start = start;
        _end = start + length;
        _position = start;
    }

    /// <summary>How many bytes were read so far.</summary>
    public long BytesRead => _position - _start;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The bytes a stream with these arguments gives.</summary>
    public static byte[] Bytes(int length, int seed, long start = 0)
    {
        var bytes = new byte[length];
        Generate(bytes, start, seed);
        return bytes;
    }

    /// <summary>Runs <paramref name="action"/> once the reader has read <paramref name="bytesRead"/> bytes.</summary>
    public GeneratedStream At(long bytesRead, Func<CancellationToken, Task> action)
    {
        _checkpoints.Add(_start + bytesRead, action);
        return this;
    }

    /// <summary>Fails with an <see cref="IOException"/> after <paramref name="bytesRead"/> bytes, as a dropped connection does.</summary>
    public GeneratedStream FailAt(long bytesRead) =>
        At(bytesRead, _ => throw new IOException($"The generated stream fails after {bytesRead} bytes, as told."));

    /// <summary>Stops after <paramref name="bytesRead"/> bytes until <paramref name="pause"/> is resumed.</summary>
    public GeneratedStream PauseAt(long bytesRead, StreamPause pause)
    {
        ArgumentNullException.ThrowIfNull(pause);
        return At(bytesRead, pause.HoldAsync);
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        RunDueCheckpointsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return Fill(buffer);
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await RunDueCheckpointsAsync(cancellationToken);
        return Fill(buffer.Span);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task RunDueCheckpointsAsync(CancellationToken cancellationToken)
    {
        while (_checkpoints.Count > 0 && _checkpoints.Keys[0] <= _position)
        {
            var action = _checkpoints.Values[0];
            _checkpoints.RemoveAt(0);
            await action(cancellationToken);
        }
    }

    private int Fill(Span<byte> buffer)
    {
        var stop = _checkpoints.Count > 0 ? Math.Min(_end, _checkpoints.Keys[0]) : _end;
        var count = (int)Math.Min(buffer.Length, stop - _position);
        Generate(buffer[..count], _position, _seed);
        _position += count;
        return count;
    }

    // Byte n is byte (n mod 8) of the 64-bit word number n / 8, a hash of that number and the seed: any slice can
    // be made without making what comes before it.
    private static void Generate(Span<byte> destination, long position, int seed)
    {
        var i = 0;
        while (i < destination.Length)
        {
            var at = position + i;
            var word = Word(at >> 3, seed);
            var within = (int)(at & 7);
            if (within == 0 && destination.Length - i >= sizeof(ulong))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], word);
                i += sizeof(ulong);
            }
            else
            {
                destination[i] = (byte)(word >> (within * 8));
                i++;
            }
        }
    }

    // The SplitMix64 finalizer: a cheap hash whose output looks random, enough to defeat compression and to make
    // any misplaced byte change the SHA-256 of the whole.
    private static ulong Word(long index, int seed)
    {
        unchecked
        {
            var z = ((ulong)index * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)seed * 0xC2B2AE3D27D4EB4FUL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
