using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace OciRegistry.Host.Hosting;

/// <summary>
/// Kestrel's buffer pool with 64 KiB blocks instead of its own 4 KiB ones. Kestrel receives into one block per
/// socket read, so a pushed layer arrives 4 KiB per system call with the default pool; with these blocks a read takes
/// up to 64 KiB, and a blob sent back leaves in larger pieces. Pushing a 256 MiB blob made 65,000 reads of 4 KiB
/// (and as many wake-ups to wait for data) before.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The size of every block.</summary>
    public const int BlockSize = 64 * 1024;

    // At most 8 MiB kept for reuse per pool; blocks returned beyond that are left to the garbage collector, so a burst
    // of connections does not hold memory for ever.
    private const int MaxKeptBlocks = 128;

    private readonly ConcurrentQueue<Block> _free = new();
    private bool _disposed;

    /// <inheritdoc />
    public override int MaxBufferSize => BlockSize;

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _free.TryDequeue(out var block) ? block : new Block(this);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(Block block)
    {
        if (!_disposed && _free.Count < MaxKeptBlocks)
        {
            _free.Enqueue(block);
        }
    }

    // A pinned array (sockets pin what they read into; the pinned heap keeps that from fragmenting the rest), owned by
    // one renter at a time: disposing it hands it back.
    private sealed class Block(LargeBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }
}
