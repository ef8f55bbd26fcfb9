using System.Buffers.Binary;
using System.Security.Cryptography;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.Content;

/// <summary>
/// A read-only, forward-only stream of <see cref="Length"/> pseudo-random bytes from a seed, made as they are
/// read: large blobs without large arrays. Byte <c>p</c> depends only on the seed and <c>p</c> (word <c>p / 8</c>
/// of a splitmix64 sequence), never on how the reader cuts its reads. It hashes what it hands out, so the digest of the
/// content is known once the stream has been read to its end.
/// </summary>
internal sealed class GeneratedContentStream : ReadOnlyStream
{
    private readonly long length;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ulong seed;
    private long position;
    private string? digest;

    public GeneratedContentStream(long length, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        this.length = length;
        this.seed = seed;
    }

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    /// <summary>The sha256 digest of the whole content; only once every byte has been read.</summary>
    public string Digest => digest
        ?? throw new InvalidOperationException($"Only {position} of {length} bytes have been read.");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - position);
        var target = buffer[..count];
        Fill(target, position);
        hash.AppendData(target);
        position += count;
        if (position == length && digest is null)
        {
            // Known before the reader disposes the stream (HttpClient disposes request content once it is sent).
            digest = ContentDigest.Format(hash.GetHashAndReset());
        }

        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Fill(Span<byte> target, long start)
    {
        var wordIndex = (ulong)(start / sizeof(ulong));
        var skip = (int)(start % sizeof(ulong));
        Span<byte> word = stackalloc byte[sizeof(ulong)];
        while (!target.IsEmpty)
        {
            var value = SplitMix64(seed + wordIndex++);
            if (skip == 0 && target.Length >= sizeof(ulong))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(target, value);
                target = target[sizeof(ulong)..];
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(word, value);
            var take = Math.Min(sizeof(ulong) - skip, target.Length);
            word.Slice(skip, take).CopyTo(target);
            target = target[take..];
            skip = 0;
        }
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
