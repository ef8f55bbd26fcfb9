namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    [Test]
    public async Task Moving_puts_the_object_at_the_destination_and_removes_the_source()
    {
        var bytes = GeneratedStream.Bytes(3 * MiB, seed: 50);
        await WriteBytesAsync(TestPath("from/object"), bytes);

        await Store.MoveAsync(TestPath("from/object"), TestPath("to/new/object"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadBytesAsync(TestPath("to/new/object")), Is.EqualTo(bytes));
            Assert.That(await Store.GetInfoAsync(TestPath("from/object")), Is.Null);
            Assert.That(await ListAsync(_prefix), Is.EqualTo(new[] { DirectoryEntry(TestPath("to")) }));
        }
    }

    [Test]
    public async Task Moving_onto_an_existing_object_replaces_it()
    {
        await WriteTextAsync(TestPath("source"), "new");
        await WriteTextAsync(TestPath("destination"), "the previous, longer content");

        await Store.MoveAsync(TestPath("source"), TestPath("destination"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadTextAsync(TestPath("destination")), Is.EqualTo("new"));
            Assert.That((await Store.GetInfoAsync(TestPath("destination")))?.Length, Is.EqualTo(3));
            Assert.That(await Store.GetInfoAsync(TestPath("source")), Is.Null);
        }
    }

    [Test]
    public async Task Moving_a_missing_object_throws_not_found_and_leaves_the_destination_alone()
    {
        await WriteTextAsync(TestPath("destination"), "kept");

        Assert.That(async () => await Store.MoveAsync(TestPath("missing"), TestPath("destination")), Throws.InstanceOf<StorePathNotFoundException>());

        Assert.That(await ReadTextAsync(TestPath("destination")), Is.EqualTo("kept"));
    }

    [Test]
    public async Task Moving_a_directory_throws_not_found()
    {
        await WriteTextAsync(TestPath("dir/object"), "x");

        Assert.That(async () => await Store.MoveAsync(TestPath("dir"), TestPath("elsewhere")), Throws.InstanceOf<StorePathNotFoundException>());

        Assert.That(await ReadTextAsync(TestPath("dir/object")), Is.EqualTo("x"));
    }

    [Test]
    public async Task Moving_an_object_onto_itself_keeps_it()
    {
        await WriteTextAsync(TestPath("object"), "kept");

        await Store.MoveAsync(TestPath("object"), TestPath("object"));

        Assert.That(await ReadTextAsync(TestPath("object")), Is.EqualTo("kept"));
    }

    [Test]
    public async Task Concurrent_moves_of_identical_content_onto_one_destination_all_succeed()
    {
        // Two pushes of one blob committing at the same moment: each moves its upload to the blob's address.
        const int Movers = 6;
        var bytes = GeneratedStream.Bytes(MiB + 7, seed: 51);
        var stores = new List<IBlobStore>();
        for (var mover = 0; mover < Movers; mover++)
        {
            stores.Add(await CreateOtherStoreAsync());
            await WriteBytesAsync(TestPath($"uploads/{mover}/data"), bytes);
        }

        var failures = await Task.WhenAll(stores.Select((store, mover) =>
            CaptureExceptionAsync(Task.Run(() => store.MoveAsync(TestPath($"uploads/{mover}/data"), TestPath("blob/data"))))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.All.Null);
            Assert.That(await ReadBytesAsync(TestPath("blob/data")), Is.EqualTo(bytes));
            Assert.That(await ListAsync(TestPath("uploads")), Is.Empty, "every source is gone");
        }
    }

    [Test]
    public async Task Concurrent_moves_of_one_source_move_it_once_and_the_others_find_it_gone()
    {
        // Requests completing one upload at once each move its bytes to the blob's address: the losers must be told the
        // source is gone, not fail otherwise. Past 5 MiB the source is a completed multipart upload on S3.
        const int Movers = 6;
        var bytes = GeneratedStream.Bytes(6 * MiB, seed: 53);
        await Store.AppendAsync(TestPath("upload/data"), 0, new MemoryStream(bytes));
        await Store.CompleteAppendAsync(TestPath("upload/data"));
        var stores = new List<IBlobStore>();
        for (var mover = 0; mover < Movers; mover++)
        {
            stores.Add(await CreateOtherStoreAsync());
        }

        var failures = await Task.WhenAll(stores.Select(store =>
            CaptureExceptionAsync(Task.Run(() => store.MoveAsync(TestPath("upload/data"), TestPath("blob/data"))))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Has.Some.Null, "one move succeeds");
            Assert.That(failures.Where(f => f is not null), Has.All.InstanceOf<StorePathNotFoundException>(), "the others find the source gone");
            Assert.That(await ReadBytesAsync(TestPath("blob/data")), Is.EqualTo(bytes));
            Assert.That(await Store.GetInfoAsync(TestPath("upload/data")), Is.Null, "the source is gone");
        }
    }

    [Test]
    public async Task Moving_onto_an_object_with_the_same_content_keeps_it_and_removes_the_source()
    {
        var bytes = GeneratedStream.Bytes(1000, seed: 52);
        await WriteBytesAsync(TestPath("blob"), bytes);
        await WriteBytesAsync(TestPath("upload"), bytes);

        await Store.MoveAsync(TestPath("upload"), TestPath("blob"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadBytesAsync(TestPath("blob")), Is.EqualTo(bytes));
            Assert.That(await Store.GetInfoAsync(TestPath("upload")), Is.Null);
        }
    }

    [Test]
    public async Task Moving_the_last_object_out_of_a_directory_removes_the_directory_from_listings()
    {
        await WriteTextAsync(TestPath("from/deep/object"), "x");

        await Store.MoveAsync(TestPath("from/deep/object"), TestPath("to"));

        Assert.That(await ListAsync(_prefix), Is.EqualTo(new[] { ObjectEntry(TestPath("to")) }));
    }
}
