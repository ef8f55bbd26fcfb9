using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OciRegistry.Storage.FileSystem;

/// <summary>
/// Copies a stream into a file in whole buffers, writing the previous buffer (on a thread-pool thread) while the next
/// one is read, so a push keeps two threads busy instead of receiving, hashing and writing in turn. Asked for direct
/// writes, it writes every aligned buffer past the page cache (<see cref="DirectIo"/>) and only a short head and tail
/// through it.
/// </summary>
internal sealed class FileContentWriter
{
    // Cached writes fill 64 KiB: a request body yields a few KiB per read, one system call each if written as it comes,
    // and the kernel sizes page-cache folios by the write: 4 KiB writes cost more CPU per byte, writes of 256 KiB or
    // 1 MiB several times more again on this project's VMs (large folios from memory the host must first back; see
    // README, Performance).
    private const int CachedBufferSize = 64 * 1024;

    // Direct writes touch no page cache, and a device takes larger writes faster: 256 MiB took 0.33 s in 64 KiB
    // writes, 0.13 s in 1 MiB ones (dd oflag=direct, this project's VMs).
    private const int DirectBufferSize = 1024 * 1024;

    // Direct buffers kept for reuse: two per append running at once, for eight appends.
    private const int PooledDirectBuffers = 16;

    private const int InvalidArgument = 22; // EINVAL: the device or filesystem refused a direct write.

    private readonly ConcurrentBag<AlignedBuffer> _directBuffers = [];
    private int _pooledDirectBuffers;
    private volatile bool _directRefused;

    /// <summary>
    /// Writes everything <paramref name="content"/> yields into <paramref name="file"/> from <paramref name="offset"/>
    /// on and returns the position after it.
    /// </summary>
    public async Task<long> CopyAsync(Stream content, SafeFileHandle file, long offset, bool direct, CancellationToken cancellationToken)
    {
        var target = new Target(file, direct && DirectIo.IsAvailable && !_directRefused);
        var bufferSize = target.MayWriteDirect ? DirectBufferSize : CachedBufferSize;
        var filling = Rent(target.MayWriteDirect);
        var writing = Rent(target.MayWriteDirect);
        var pendingWrite = Task.CompletedTask;
        var position = offset;
        try
        {
            // The first buffer ends on an alignment boundary, so that every full buffer after it starts on one.
            var wanted = bufferSize - (int)(offset % DirectIo.Alignment);
            int read;
            while ((read = await content.ReadAtLeastAsync(filling.Memory[..wanted], wanted, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await pendingWrite.ConfigureAwait(false);
                (filling, writing) = (writing, filling);
                pendingWrite = WriteAsync(target, writing.Memory[..read], position, cancellationToken);
                position += read;
                wanted = bufferSize;
            }

            await pendingWrite.ConfigureAwait(false);
            return position;
        }
        finally
        {
            // A write still running uses a buffer and the file, whatever ended the loop.
            await pendingWrite.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Return(filling);
            Return(writing);
        }
    }

    private async Task WriteAsync(Target target, ReadOnlyMemory<byte> data, long position, CancellationToken cancellationToken)
    {
        var direct = target.MayWriteDirect && !_directRefused &&
            position % DirectIo.Alignment == 0 && data.Length % DirectIo.Alignment == 0;
        if (direct != target.IsDirect)
        {
            if (DirectIo.TrySet(target.File, direct))
            {
                target.IsDirect = direct;
            }
            else if (direct)
            {
                // The filesystem has no direct I/O (tmpfs, some network filesystems): cached writes from now on.
                _directRefused = true;
            }
            else
            {
                throw new IOException("Could not switch a file back to cached writes.");
            }
        }

        if (target.IsDirect)
        {
            try
            {
                await RandomAccess.WriteAsync(target.File, data, position, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (IOException e) when (e.HResult == InvalidArgument && DirectIo.TrySet(target.File, direct: false))
            {
                // The device wants a larger alignment than ours: write this buffer again, cached, and every one after it.
                _directRefused = true;
                target.IsDirect = false;
            }
        }

        await RandomAccess.WriteAsync(target.File, data, position, cancellationToken).ConfigureAwait(false);
    }

    private Buffer Rent(bool direct)
    {
        if (!direct)
        {
            return new Buffer(ArrayPool<byte>.Shared.Rent(CachedBufferSize), null);
        }

        if (_directBuffers.TryTake(out var pooled))
        {
            Interlocked.Decrement(ref _pooledDirectBuffers);
            return new Buffer(null, pooled);
        }

        return new Buffer(null, new AlignedBuffer(DirectBufferSize));
    }

    private void Return(Buffer buffer)
    {
        if (buffer.Array is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
        else if (buffer.Aligned is { } aligned && Interlocked.Increment(ref _pooledDirectBuffers) <= PooledDirectBuffers)
        {
            _directBuffers.Add(aligned);
        }
        else
        {
            Interlocked.Decrement(ref _pooledDirectBuffers);
        }
    }

    // The file of one copy, and whether it is switched to direct writes right now. Writes of one copy run one at a
    // time, so the flag needs no lock.
    private sealed class Target(SafeFileHandle file, bool mayWriteDirect)
    {
        public SafeFileHandle File { get; } = file;
        public bool MayWriteDirect { get; } = mayWriteDirect;
        public bool IsDirect { get; set; }
    }

    private readonly record struct Buffer(byte[]? Array, AlignedBuffer? Aligned)
    {
        public Memory<byte> Memory => Array is not null ? Array.AsMemory(0, CachedBufferSize) : Aligned!.Memory;
    }

    // A buffer whose first byte lies on a DirectIo.Alignment boundary: a slice of an array on the pinned heap, which
    // the garbage collector never moves.
    private sealed class AlignedBuffer
    {
        public AlignedBuffer(int size)
        {
            var array = GC.AllocateUninitializedArray<byte>(size + DirectIo.Alignment, pinned: true);
            var address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0).ToInt64();
            var skip = (int)((DirectIo.Alignment - (address % DirectIo.Alignment)) % DirectIo.Alignment);
            Memory = array.AsMemory(skip, size);
        }

        public Memory<byte> Memory { get; }
    }
}
