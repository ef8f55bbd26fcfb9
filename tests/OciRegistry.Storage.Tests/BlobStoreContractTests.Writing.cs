using System.Security.Cryptography;

namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    private const long LargeObjectLength = 200L * MiB;

    // A driver that holds a whole large object in memory grows the heap by most of its size; one that streams
    // holds a few buffers.
    private const long StreamingHeapAllowance = 64L * MiB;

    [Test]
    public async Task Writing_creates_the_object_and_its_parent_directories()
    {
        var path = TestPath("a/b/c/object");

        var bytes = await WriteGeneratedAsync(path, 5000, seed: 10);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadBytesAsync(path), Is.EqualTo(bytes));
            Assert.That(await ListAsync(TestPath("a")), Is.EqualTo(new[] { DirectoryEntry(TestPath("a/b")) }));
        }
    }

    [Test]
    public async Task A_transient_write_creates_or_replaces_the_object_like_any_write()
    {
        var path = TestPath("uploads/id/startedat");
        await Store.WriteTransientAsync(path, new MemoryStream("first"u8.ToArray()));
        await Store.WriteTransientAsync(path, new MemoryStream("second, longer"u8.ToArray()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadTextAsync(path), Is.EqualTo("second, longer"));
            Assert.That(await ListAsync(TestPath("uploads/id")), Is.EqualTo(new[] { ObjectEntry(path) }));
        }
    }

    [TestCase(3000, 10)]
    [TestCase(10, 3000)]
    public async Task Writing_replaces_an_existing_object_whatever_their_lengths(int firstLength, int secondLength)
    {
        var path = TestPath("object");
        await WriteGeneratedAsync(path, firstLength, seed: 11);

        var second = await WriteGeneratedAsync(path, secondLength, seed: 12);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadBytesAsync(path), Is.EqualTo(second));
            Assert.That((await Store.GetInfoAsync(path))?.Length, Is.EqualTo(secondLength));
        }
    }

    [Test]
    public async Task Readers_during_a_write_see_the_previous_object_until_the_write_ends()
    {
        var path = TestPath("object");
        await WriteTextAsync(path, "previous");
        var pause = new StreamPause();

        // Paused after every byte was handed over, before the end of the stream: the write is not finished yet.
        var write = Store.WriteAsync(path, new GeneratedStream(2 * MiB, seed: 13).PauseAt(2 * MiB, pause));
        try
        {
            await pause.WaitUntilReachedAsync(write, HangGuard);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(await ReadTextAsync(path), Is.EqualTo("previous"));
                Assert.That((await Store.GetInfoAsync(path))?.Length, Is.EqualTo("previous".Length));
                Assert.That(await ListAsync(_prefix), Is.EqualTo(new[] { ObjectEntry(path) }));
            }
        }
        finally
        {
            pause.Resume();
        }

        await write.WaitAsync(HangGuard);
        Assert.That(await ReadBytesAsync(path), Is.EqualTo(GeneratedStream.Bytes(2 * MiB, seed: 13)));
    }

    [Test]
    public async Task A_new_object_is_invisible_until_its_write_ends()
    {
        var path = TestPath("dir/object");
        var pause = new StreamPause();

        var write = Store.WriteAsync(path, new GeneratedStream(MiB, seed: 14).PauseAt(MiB / 2, pause));
        try
        {
            await pause.WaitUntilReachedAsync(write, HangGuard);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(await Store.GetInfoAsync(path), Is.Null);
                Assert.That(async () => await Store.OpenReadAsync(path), Throws.InstanceOf<StorePathNotFoundException>());
                Assert.That(await ListAsync(_prefix), Is.Empty);
            }
        }
        finally
        {
            pause.Resume();
        }

        await write.WaitAsync(HangGuard);
        Assert.That((await Store.GetInfoAsync(path))?.Length, Is.EqualTo(MiB));
    }

    [TestCase(MiB, TestName = "{m}(failing half-way)")]
    [TestCase(2 * MiB, TestName = "{m}(failing after the last byte)")]
    public async Task A_failed_write_leaves_the_previous_object_intact_and_nothing_new(long failAt)
    {
        var path = TestPath("object");
        await WriteTextAsync(path, "previous");

        Assert.That(async () => await Store.WriteAsync(path, new GeneratedStream(2 * MiB, seed: 15).FailAt(failAt)), Throws.Exception);

        await AssertOnlyThePreviousObjectIsThereAsync(path);
    }

    [Test]
    public async Task A_failed_write_of_a_new_object_leaves_nothing()
    {
        var path = TestPath("dir/object");

        Assert.That(async () => await Store.WriteAsync(path, new GeneratedStream(2 * MiB, seed: 16).FailAt(MiB)), Throws.Exception);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetInfoAsync(path), Is.Null);
            Assert.That(await ListAsync(_prefix), Is.Empty);
        }
    }

    [Test]
    public async Task A_cancelled_write_leaves_the_previous_object_intact()
    {
        var path = TestPath("object");
        await WriteTextAsync(path, "previous");
        using var cancellation = new CancellationTokenSource();
        var content = new GeneratedStream(2 * MiB, seed: 17).At(MiB, async _ => await cancellation.CancelAsync());

        Assert.That(async () => await Store.WriteAsync(path, content, cancellation.Token), Throws.InstanceOf<OperationCanceledException>());

        await AssertOnlyThePreviousObjectIsThereAsync(path);
    }

    [Test]
    public async Task Two_concurrent_writes_to_one_path_leave_exactly_one_of_them_whole()
    {
        var path = TestPath("object");
        var firstPause = new StreamPause();
        var secondPause = new StreamPause();

        var first = Store.WriteAsync(path, new GeneratedStream(3 * MiB, seed: 18).PauseAt(3 * MiB / 2, firstPause));
        var second = (await CreateOtherStoreAsync()).WriteAsync(path, new GeneratedStream(2 * MiB, seed: 19).PauseAt(MiB, secondPause));
        try
        {
            // Both are half-way before either may go on: their bytes are in flight at the same time.
            await firstPause.WaitUntilReachedAsync(first, HangGuard);
            await secondPause.WaitUntilReachedAsync(second, HangGuard);
        }
        finally
        {
            secondPause.Resume();
            firstPause.Resume();
        }

        await Task.WhenAll(first, second).WaitAsync(HangGuard);
        var stored = await ReadBytesAsync(path);
        Assert.That(stored, Is.EqualTo(GeneratedStream.Bytes(3 * MiB, seed: 18)).Or.EqualTo(GeneratedStream.Bytes(2 * MiB, seed: 19)));
        Assert.That((await Store.GetInfoAsync(path))?.Length, Is.EqualTo(stored.Length));
    }

    // Object storage holds "a" and "a/b" side by side; a filesystem cannot. Either is fine, an untyped error is not.
    [Test]
    public async Task An_object_where_a_directory_is_either_coexists_with_it_or_is_refused_as_a_conflict()
    {
        await WriteTextAsync(TestPath("a/b"), "inner");

        await WriteEitherCoexistingOrRefusedAsync(TestPath("a"));

        Assert.That(await ReadTextAsync(TestPath("a/b")), Is.EqualTo("inner"));
    }

    [Test]
    public async Task An_object_under_another_object_either_coexists_with_it_or_is_refused_as_a_conflict()
    {
        await WriteTextAsync(TestPath("a"), "outer");

        await WriteEitherCoexistingOrRefusedAsync(TestPath("a/b"));

        Assert.That(await ReadTextAsync(TestPath("a")), Is.EqualTo("outer"));
    }

    [Test]
    public async Task A_200_MiB_object_streams_in_and_out_intact_without_being_held_in_memory()
    {
        var path = TestPath("large");
        var expectedHash = await Sha256Async(new GeneratedStream(LargeObjectLength, seed: 20));
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long? heapGrowthWhileWriting = null;
        var content = new GeneratedStream(LargeObjectLength, seed: 20).At(LargeObjectLength * 3 / 4, _ =>
        {
            heapGrowthWhileWriting = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            return Task.CompletedTask;
        });

        await Store.WriteAsync(path, content);

        var (readHash, readLength, heapGrowthWhileReading) = await ReadLargeObjectAsync(path, heapBefore);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await Store.GetInfoAsync(path))?.Length, Is.EqualTo(LargeObjectLength));
            Assert.That(readLength, Is.EqualTo(LargeObjectLength));
            Assert.That(readHash, Is.EqualTo(expectedHash));
            Assert.That(heapGrowthWhileWriting, Is.LessThan(StreamingHeapAllowance), "heap growth while writing");
            Assert.That(heapGrowthWhileReading, Is.LessThan(StreamingHeapAllowance), "heap growth while reading");
        }
    }

    private async Task<(string Hash, long Length, long? HeapGrowth)> ReadLargeObjectAsync(string path, long heapBefore)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[MiB];
        long length = 0;
        long? heapGrowth = null;
        await using var content = await Store.OpenReadAsync(path);
        int read;
        while ((read = await content.ReadAsync(buffer)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            length += read;
            if (heapGrowth is null && length >= LargeObjectLength * 3 / 4)
            {
                heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            }
        }

        return (Convert.ToHexString(sha256.GetHashAndReset()), length, heapGrowth);
    }

    private async Task WriteEitherCoexistingOrRefusedAsync(string path)
    {
        try
        {
            await WriteTextAsync(path, "clashing");
        }
        catch (StoreConflictException)
        {
            Assert.That(await Store.GetInfoAsync(path), Is.Null);
            return;
        }

        Assert.That(await ReadTextAsync(path), Is.EqualTo("clashing"));
    }

    private async Task AssertOnlyThePreviousObjectIsThereAsync(string path)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadTextAsync(path), Is.EqualTo("previous"));
            Assert.That(await ListAsync(_prefix), Is.EqualTo(new[] { ObjectEntry(path) }));
        }
    }
}
