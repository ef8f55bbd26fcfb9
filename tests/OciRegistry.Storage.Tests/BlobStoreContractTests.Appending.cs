namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    // S3 multipart parts must be 5 MiB or more, except the last: chunks on both sides of that line, and on it.
    private static IEnumerable<TestCaseData> ChunkPlans()
    {
        yield return Plan("1 MiB, 6 MiB, 100 B", MiB, 6 * MiB, 100);
        yield return Plan("6 MiB, 100 B, 6 MiB", 6 * MiB, 100, 6 * MiB);
        yield return Plan("5 MiB, 5 MiB, 1 B", 5 * MiB, 5 * MiB, 1);
        yield return Plan("7 x 1 MiB", MiB, MiB, MiB, MiB, MiB, MiB, MiB);
        yield return Plan("100 B, 100 B, 100 B", 100, 100, 100);

        static TestCaseData Plan(string name, params long[] chunks) => new TestCaseData(chunks).SetArgDisplayNames(name);
    }

    [Test]
    public async Task Appending_at_offset_zero_starts_an_append_and_returns_its_length()
    {
        var path = TestPath("upload");

        Assert.That(await Store.GetAppendedLengthAsync(path), Is.Null);
        Assert.That(await Store.AppendAsync(path, 0, new GeneratedStream(1234, seed: 60)), Is.EqualTo(1234));
        Assert.That(await Store.GetAppendedLengthAsync(path), Is.EqualTo(1234));
    }

    [TestCaseSource(nameof(ChunkPlans))]
    public async Task Appended_chunks_of_any_size_complete_into_one_object_with_the_right_bytes(long[] chunks)
    {
        var path = TestPath("upload");
        long offset = 0;
        foreach (var chunk in chunks)
        {
            var length = await Store.AppendAsync(path, offset, new GeneratedStream(chunk, seed: 61, start: offset));
            offset += chunk;
            Assert.That(length, Is.EqualTo(offset));
            Assert.That(await Store.GetAppendedLengthAsync(path), Is.EqualTo(offset));
        }

        await Store.CompleteAppendAsync(path);

        Assert.That((await Store.GetInfoAsync(path))?.Length, Is.EqualTo(offset));
        await using var stored = await Store.OpenReadAsync(path);
        Assert.That(await Sha256Async(stored), Is.EqualTo(await Sha256Async(new GeneratedStream(offset, seed: 61))));
    }

    [Test]
    public async Task An_append_of_nothing_completes_into_an_empty_object()
    {
        var path = TestPath("upload");

        Assert.That(await Store.AppendAsync(path, 0, Stream.Null), Is.Zero);
        Assert.That(await Store.GetAppendedLengthAsync(path), Is.Zero);
        await Store.CompleteAppendAsync(path);

        Assert.That((await Store.GetInfoAsync(path))?.Length, Is.Zero);
        Assert.That(await ReadBytesAsync(path), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(999)]
    [TestCase(1001)]
    [TestCase(10 * MiB)]
    public async Task Appending_at_another_offset_than_the_length_throws_conflict_and_changes_nothing(long offset)
    {
        var path = TestPath("upload");
        await Store.AppendAsync(path, 0, new GeneratedStream(1000, seed: 62));

        Assert.That(async () => await Store.AppendAsync(path, offset, new GeneratedStream(500, seed: 63)), Throws.InstanceOf<StoreConflictException>());

        Assert.That(await Store.GetAppendedLengthAsync(path), Is.EqualTo(1000));
        await Store.CompleteAppendAsync(path);
        Assert.That(await ReadBytesAsync(path), Is.EqualTo(GeneratedStream.Bytes(1000, seed: 62)));
    }

    [Test]
    public void Appending_at_a_nonzero_offset_to_an_append_never_started_throws_conflict() =>
        Assert.That(async () => await Store.AppendAsync(TestPath("missing"), 100, new GeneratedStream(10, seed: 64)), Throws.InstanceOf<StoreConflictException>());

    [Test]
    public void Completing_an_append_never_started_throws_not_found() =>
        Assert.That(async () => await Store.CompleteAppendAsync(TestPath("missing")), Throws.InstanceOf<StorePathNotFoundException>());

    [Test]
    public async Task An_append_continues_from_other_driver_instances()
    {
        var path = TestPath("upload");
        var second = await CreateOtherStoreAsync();
        var third = await CreateOtherStoreAsync();

        await Store.AppendAsync(path, 0, new GeneratedStream(MiB, seed: 65));
        Assert.That(await second.GetAppendedLengthAsync(path), Is.EqualTo(MiB));
        await second.AppendAsync(path, MiB, new GeneratedStream(6 * MiB, seed: 65, start: MiB));
        Assert.That(await third.GetAppendedLengthAsync(path), Is.EqualTo(7 * MiB));
        await third.AppendAsync(path, 7 * MiB, new GeneratedStream(100, seed: 65, start: 7 * MiB));
        await Store.CompleteAppendAsync(path);

        await using var stored = await second.OpenReadAsync(path);
        Assert.That(await Sha256Async(stored), Is.EqualTo(await Sha256Async(new GeneratedStream(7 * MiB + 100, seed: 65))));
    }

    [Test]
    public async Task An_interrupted_append_keeps_a_length_from_which_it_resumes()
    {
        var path = TestPath("upload");
        await Store.AppendAsync(path, 0, new GeneratedStream(MiB, seed: 66));

        Assert.That(async () => await Store.AppendAsync(path, MiB, new GeneratedStream(6 * MiB, seed: 66, start: MiB).FailAt(3 * MiB)), Throws.Exception);

        var kept = await Store.GetAppendedLengthAsync(path);
        Assert.That(kept, Is.InRange(MiB, 7 * MiB));
        await Store.AppendAsync(path, kept!.Value, new GeneratedStream(7 * MiB - kept.Value, seed: 66, start: kept.Value));
        await Store.CompleteAppendAsync(path);
        await using var stored = await Store.OpenReadAsync(path);
        Assert.That(await Sha256Async(stored), Is.EqualTo(await Sha256Async(new GeneratedStream(7 * MiB, seed: 66))));
    }

    [Test]
    public async Task Concurrent_appends_at_one_offset_let_exactly_one_through_and_never_interleave()
    {
        var path = TestPath("upload");
        await Store.AppendAsync(path, 0, new GeneratedStream(MiB, seed: 67));
        var other = await CreateOtherStoreAsync();
        var pause = new StreamPause();
        var otherStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = Store.AppendAsync(path, MiB, new GeneratedStream(4 * MiB, seed: 68).PauseAt(2 * MiB, pause));
        Task<long> second;
        try
        {
            await pause.WaitUntilReachedAsync(first, HangGuard);
            second = other.AppendAsync(path, MiB, new GeneratedStream(MiB, seed: 69).At(0, _ =>
            {
                otherStarted.TrySetResult();
                return Task.CompletedTask;
            }));

            // The second append is refused at once, starts copying, or waits for the first: a driver that waits
            // gets a moment, since nothing observable says it is waiting.
            await Task.WhenAny(second, otherStarted.Task, Task.Delay(TimeSpan.FromSeconds(1)));
        }
        finally
        {
            pause.Resume();
        }

        var firstError = await CaptureExceptionAsync(first);
        var secondError = await CaptureExceptionAsync(second);
        Assert.That(new[] { firstError, secondError }.Count(e => e is null), Is.EqualTo(1), $"first: {firstError?.Message}; second: {secondError?.Message}");
        Assert.That(firstError ?? secondError, Is.InstanceOf<StoreConflictException>());
        var winner = firstError is null ? GeneratedStream.Bytes(4 * MiB, seed: 68) : GeneratedStream.Bytes(MiB, seed: 69);
        await Store.CompleteAppendAsync(path);
        Assert.That(await ReadBytesAsync(path), Is.EqualTo(GeneratedStream.Bytes(MiB, seed: 67).Concat(winner)));
    }

    [Test]
    public async Task Reading_an_unfinished_append_neither_fails_untyped_nor_blocks_the_next_append()
    {
        var path = TestPath("upload");
        await Store.AppendAsync(path, 0, new GeneratedStream(1000, seed: 71));

        // Before completion the bytes need not be readable; a driver that lets them be read must still take appends.
        Stream? reader = null;
        try
        {
            reader = await Store.OpenReadAsync(path);
        }
        catch (StorePathNotFoundException)
        {
        }

        await using (reader)
        {
            Assert.That(await Store.AppendAsync(path, 1000, new GeneratedStream(1000, seed: 71, start: 1000)), Is.EqualTo(2000));
        }

        await Store.CompleteAppendAsync(path);
        Assert.That(await ReadBytesAsync(path), Is.EqualTo(GeneratedStream.Bytes(2000, seed: 71)));
    }

    [Test]
    public async Task A_completed_append_moves_like_any_object()
    {
        var path = TestPath("uploads/1/data");
        await Store.AppendAsync(path, 0, new GeneratedStream(2 * MiB, seed: 70));
        await Store.CompleteAppendAsync(path);

        await Store.MoveAsync(path, TestPath("blobs/data"));

        Assert.That(await ReadBytesAsync(TestPath("blobs/data")), Is.EqualTo(GeneratedStream.Bytes(2 * MiB, seed: 70)));
        Assert.That(await Store.GetInfoAsync(path), Is.Null);
    }
}
