using OciRegistry.Host.Hosting;

namespace OciRegistry.Host.Tests.Hosting;

internal sealed class LargeBlockMemoryPoolTests
{
    [Test]
    public void Every_block_holds_64_KiB_whatever_was_asked()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();
        using var small = pool.Rent(1);
        using var unspecified = pool.Rent();

        Assert.Multiple(() =>
        {
            Assert.That(pool.MaxBufferSize, Is.EqualTo(64 * 1024));
            Assert.That(small.Memory.Length, Is.EqualTo(64 * 1024));
            Assert.That(unspecified.Memory.Length, Is.EqualTo(64 * 1024));
        });
    }

    [Test]
    public void A_returned_block_is_lent_again_and_blocks_in_use_are_distinct()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        var firstMemory = first.Memory;
        using var second = pool.Rent();
        first.Dispose();
        using var third = pool.Rent();

        Assert.Multiple(() =>
        {
            Assert.That(second.Memory.Span.Overlaps(firstMemory.Span), Is.False);
            Assert.That(third.Memory.Span.Overlaps(firstMemory.Span), Is.True, "the returned block is reused");
        });
    }

    [Test]
    public void More_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Test]
    public void A_disposed_pool_lends_nothing()
    {
        var pool = new LargeBlockMemoryPool();
        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }
}
