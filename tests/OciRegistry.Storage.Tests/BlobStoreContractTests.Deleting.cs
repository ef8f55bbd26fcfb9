namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    [Test]
    public async Task Deleting_an_object_removes_only_that_object()
    {
        await WriteTextAsync(TestPath("d/a"), "a");
        await WriteTextAsync(TestPath("d/b"), "b");

        var deleted = await Store.DeleteAsync(TestPath("d/a"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.True);
            Assert.That(await Store.GetInfoAsync(TestPath("d/a")), Is.Null);
            Assert.That(await ReadTextAsync(TestPath("d/b")), Is.EqualTo("b"));
            Assert.That(await ListAsync(TestPath("d")), Is.EqualTo(new[] { ObjectEntry(TestPath("d/b")) }));
        }
    }

    [Test]
    public async Task Deleting_a_directory_removes_everything_under_it_including_unfinished_appends()
    {
        await WriteTextAsync(TestPath("d/a"), "a");
        await WriteTextAsync(TestPath("d/sub/b"), "b");
        await WriteTextAsync(TestPath("d/sub/deeper/c"), "c");
        await Store.AppendAsync(TestPath("d/upload/data"), 0, new GeneratedStream(1000, seed: 40));
        await WriteTextAsync(TestPath("kept"), "kept");

        var deleted = await Store.DeleteAsync(TestPath("d"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.True);
            Assert.That(await ListAsync(TestPath("d")), Is.Empty);
            Assert.That(await Store.GetInfoAsync(TestPath("d/sub/deeper/c")), Is.Null);
            Assert.That(await Store.GetAppendedLengthAsync(TestPath("d/upload/data")), Is.Null);
            Assert.That(await ListAsync(_prefix), Is.EqualTo(new[] { ObjectEntry(TestPath("kept")) }));
        }
    }

    [Test]
    public async Task Deleting_a_directory_leaves_siblings_that_share_its_name_prefix()
    {
        await WriteTextAsync(TestPath("p/ab/x"), "x");
        await WriteTextAsync(TestPath("p/abc/y"), "y");
        await WriteTextAsync(TestPath("p/ab.z"), "z");

        await Store.DeleteAsync(TestPath("p/ab"));

        Assert.That(await ListAsync(TestPath("p")), Is.EqualTo(new[] { ObjectEntry(TestPath("p/ab.z")), DirectoryEntry(TestPath("p/abc")) }));
    }

    [Test]
    public async Task Deleting_a_missing_path_returns_false() =>
        Assert.That(await Store.DeleteAsync(TestPath("missing")), Is.False);

    [Test]
    public async Task Deleting_twice_returns_false_the_second_time()
    {
        await WriteTextAsync(TestPath("d/object"), "x");

        Assert.That(await Store.DeleteAsync(TestPath("d")), Is.True);
        Assert.That(await Store.DeleteAsync(TestPath("d")), Is.False);
    }

    [Test]
    public async Task Deleting_an_unfinished_append_removes_it()
    {
        var path = TestPath("upload");
        await Store.AppendAsync(path, 0, new GeneratedStream(MiB, seed: 41));

        Assert.That(await Store.DeleteAsync(path), Is.True);

        Assert.That(await Store.GetAppendedLengthAsync(path), Is.Null);
        Assert.That(async () => await Store.AppendAsync(path, MiB, new GeneratedStream(10, seed: 41, start: MiB)), Throws.InstanceOf<StoreConflictException>());
        Assert.That(await Store.AppendAsync(path, 0, new GeneratedStream(10, seed: 42)), Is.EqualTo(10));
    }

    [Test]
    public async Task Deleting_the_root_removes_everything_and_says_whether_anything_was_there()
    {
        await WriteTextAsync("object", "x");
        await WriteTextAsync("dir/object", "x");
        await Store.AppendAsync("upload/data", 0, new GeneratedStream(100, seed: 43));

        Assert.That(await Store.DeleteAsync(string.Empty), Is.True);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ListAsync(string.Empty), Is.Empty);
            Assert.That(await Store.GetInfoAsync("object"), Is.Null);
            Assert.That(await Store.GetAppendedLengthAsync("upload/data"), Is.Null);
            Assert.That(await Store.DeleteAsync(string.Empty), Is.False);
        }

        await WriteTextAsync("object", "again");
        Assert.That(await ReadTextAsync("object"), Is.EqualTo("again"));

        // Whatever a driver keeps for itself after a write and a delete is no object.
        await Store.DeleteAsync("object");
        Assert.That(await Store.DeleteAsync(string.Empty), Is.False);
    }

    [Test]
    public async Task Deleting_the_root_does_not_break_a_write_in_flight()
    {
        var pause = new StreamPause();
        var write = Store.WriteAsync("in-flight/object", new GeneratedStream(MiB, seed: 44).PauseAt(MiB / 2, pause));
        try
        {
            await pause.WaitUntilReachedAsync(write, HangGuard);
            await Store.DeleteAsync(string.Empty);
        }
        finally
        {
            pause.Resume();
        }

        await write.WaitAsync(HangGuard);
        Assert.That(await ReadBytesAsync("in-flight/object"), Is.EqualTo(GeneratedStream.Bytes(MiB, seed: 44)));
    }

    [Test]
    public async Task Concurrent_deletes_of_one_directory_all_succeed()
    {
        // Requests completing one upload at once each delete the upload's folder when done.
        for (var round = 0; round < 10; round++)
        {
            var directory = TestPath($"twice{round}");
            for (var i = 0; i < 12; i++)
            {
                await WriteTextAsync($"{directory}/sub{i % 3}/object{i}", "x");
            }

            var deleted = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Store.DeleteAsync(directory)))).WaitAsync(HangGuard);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(deleted, Has.Some.True, $"round {round}: some delete removed the objects");
                Assert.That(await ListAsync(directory), Is.Empty, $"round {round}: nothing is left");
            }
        }
    }

    [Test]
    public async Task Writes_racing_deletes_of_their_directory_never_fail()
    {
        // Whether each write lands before or after the delete is up to the race; an error is not.
        var directory = TestPath("race");
        for (var i = 0; i < 50; i++)
        {
            var path = $"{directory}/sub{i % 3}/object{i}";
            await Task.WhenAll(WriteTextAsync(path, "x"), Store.DeleteAsync(directory)).WaitAsync(HangGuard);
            Assert.That(await Store.GetInfoAsync(path) is null || await ReadTextAsync(path) == "x", Is.True);
        }
    }
}
