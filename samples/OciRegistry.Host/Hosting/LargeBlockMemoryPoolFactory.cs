using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace OciRegistry.Host.Hosting;

/// <summary>Creates <see cref="LargeBlockMemoryPool"/>s for Kestrel's connections.</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
