namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    [Test]
    public async Task Listing_gives_the_direct_children_telling_objects_from_directories()
    {
        foreach (var relative in new[] { "d/a", "d/b", "d/sub/c", "d/sub/deeper/e", "d/other/f" })
        {
            await WriteTextAsync(TestPath(relative), relative);
        }

        var entries = await ListAsync(TestPath("d"));

        Assert.That(entries, Is.EqualTo(new[]
        {
            ObjectEntry(TestPath("d/a")),
            ObjectEntry(TestPath("d/b")),
            DirectoryEntry(TestPath("d/other")),
            DirectoryEntry(TestPath("d/sub")),
        }));
        Assert.That(entries.Select(e => e.Name), Is.EqualTo(new[] { "a", "b", "other", "sub" }));
    }

    [Test]
    public async Task Listing_a_nested_directory_gives_full_paths()
    {
        await WriteTextAsync(TestPath("d/sub/c"), "c");
        await WriteTextAsync(TestPath("d/sub/deeper/e"), "e");

        Assert.That(await ListAsync(TestPath("d/sub")), Is.EqualTo(new[]
        {
            ObjectEntry(TestPath("d/sub/c")),
            DirectoryEntry(TestPath("d/sub/deeper")),
        }));
    }

    [Test]
    public async Task Listing_a_directory_leaves_out_siblings_that_share_its_name_prefix()
    {
        await WriteTextAsync(TestPath("p/ab/x"), "x");
        await WriteTextAsync(TestPath("p/abc/y"), "y");
        await WriteTextAsync(TestPath("p/ab.z"), "z");

        Assert.That(await ListAsync(TestPath("p/ab")), Is.EqualTo(new[] { ObjectEntry(TestPath("p/ab/x")) }));
    }

    [Test]
    public async Task Listing_a_missing_directory_gives_no_entries() =>
        Assert.That(await ListAsync(TestPath("missing")), Is.Empty);

    [Test]
    public async Task Listing_an_object_as_if_it_were_a_directory_gives_no_entries()
    {
        await WriteTextAsync(TestPath("object"), "x");

        Assert.That(await ListAsync(TestPath("object")), Is.Empty);
    }

    [Test]
    public async Task Listing_more_than_a_thousand_entries_gives_every_one_once()
    {
        // More than one page of an S3 listing (1,000 keys, objects and directories together).
        var objects = Enumerable.Range(0, 1_000).Select(i => TestPath($"many/object{i:D4}")).ToList();
        var directories = Enumerable.Range(0, 30).Select(i => TestPath($"many/dir{i:D2}")).ToList();
        await Parallel.ForEachAsync(
            objects.Concat(directories.Select(d => d + "/object")),
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (path, cancellationToken) => await Store.WriteAsync(path, new MemoryStream([1]), cancellationToken));

        var entries = await ListAsync(TestPath("many"));

        Assert.That(entries, Is.EquivalentTo(objects.Select(ObjectEntry).Concat(directories.Select(DirectoryEntry))));
    }

    [Test]
    public async Task Deleting_the_last_object_of_a_directory_removes_the_directory_from_listings()
    {
        await WriteTextAsync(TestPath("e/a/b/c"), "c");
        await WriteTextAsync(TestPath("kept"), "kept");

        await Store.DeleteAsync(TestPath("e/a/b/c"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ListAsync(TestPath("e/a")), Is.Empty);
            Assert.That(await ListAsync(_prefix), Is.EqualTo(new[] { ObjectEntry(TestPath("kept")) }));
        }
    }

    [Test]
    public async Task Names_with_every_allowed_character_and_leading_dots_are_ordinary_paths()
    {
        var directory = TestPath("A-Za_z0.9:tag@sha256/.dot/..dots");
        var path = directory + "/...three";
        await WriteTextAsync(path, "odd");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadTextAsync(path), Is.EqualTo("odd"));
            Assert.That(await ListAsync(TestPath("A-Za_z0.9:tag@sha256/.dot")), Is.EqualTo(new[] { DirectoryEntry(directory) }));
            Assert.That(await ListAsync(directory), Is.EqualTo(new[] { ObjectEntry(path) }));
        }
    }

    [Test]
    public async Task Listing_the_root_gives_only_top_level_entries_even_while_writes_are_in_flight()
    {
        await Store.DeleteAsync(string.Empty);
        await WriteTextAsync("top-object", "x");
        await WriteTextAsync("top-dir/object", "x");
        await WriteTextAsync("top-dir/sub/object", "x");

        // A name a driver might be tempted to keep for its own temporary files.
        await WriteTextAsync(".oci-tmp/object", "x");
        Assert.That(async () => await Store.WriteAsync("failed/object", new GeneratedStream(MiB, seed: 30).FailAt(MiB / 2)), Throws.Exception);
        var pause = new StreamPause();
        var write = Store.WriteAsync("pending/object", new GeneratedStream(MiB, seed: 31).PauseAt(MiB / 2, pause));
        try
        {
            await pause.WaitUntilReachedAsync(write, HangGuard);

            Assert.That(await ListAsync(string.Empty), Is.EqualTo(new[]
            {
                DirectoryEntry(".oci-tmp"),
                DirectoryEntry("top-dir"),
                ObjectEntry("top-object"),
            }));
        }
        finally
        {
            pause.Resume();
        }

        await write.WaitAsync(HangGuard);
        Assert.That(await ListAsync(string.Empty), Has.Member(DirectoryEntry("pending")).And.Count.EqualTo(4));
    }
}
