using System.Text;

namespace OciRegistry.Storage.Tests;

public sealed partial class BlobStoreContractTests
{
    [Test]
    public async Task Info_of_a_missing_object_is_null() =>
        Assert.That(await Store.GetInfoAsync(TestPath("missing")), Is.Null);

    [Test]
    public async Task Info_of_a_directory_is_null()
    {
        await WriteTextAsync(TestPath("dir/object"), "x");

        Assert.That(await Store.GetInfoAsync(TestPath("dir")), Is.Null);
    }

    [Test]
    public async Task Info_gives_the_path_the_length_and_a_current_modification_time()
    {
        var path = TestPath("object");
        var before = DateTimeOffset.UtcNow;
        await WriteBytesAsync(path, new byte[1234]);
        var after = DateTimeOffset.UtcNow;

        var info = await Store.GetInfoAsync(path);

        Assert.That(info, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info!.Path, Is.EqualTo(path));
            Assert.That(info.Length, Is.EqualTo(1234));

            // Generous: servers round times and their clocks drift a little; a time zone mistake is hours off.
            Assert.That(info.LastModified, Is.InRange(before.AddMinutes(-5), after.AddMinutes(5)));
        }
    }

    [Test]
    public async Task Version_stays_while_the_object_is_unchanged()
    {
        var path = TestPath("object");
        await WriteTextAsync(path, "content");

        var first = await Store.GetInfoAsync(path);
        var second = await Store.GetInfoAsync(path);

        Assert.That(second?.Version, Is.EqualTo(first?.Version));
    }

    [Test]
    public async Task Version_changes_when_the_object_is_rewritten_with_other_content_of_the_same_length()
    {
        var path = TestPath("object");
        await WriteTextAsync(path, "aaaa");
        var first = await Store.GetInfoAsync(path);
        Assume.That(first?.Version, Is.Not.Null, "The driver has no versions.");

        await WriteTextAsync(path, "bbbb");
        var second = await Store.GetInfoAsync(path);

        Assert.That(second?.Version, Is.Not.EqualTo(first!.Version));
    }

    [Test]
    public void Reading_a_missing_object_throws_not_found() =>
        Assert.That(async () => await Store.OpenReadAsync(TestPath("missing")), Throws.InstanceOf<StorePathNotFoundException>());

    [Test]
    public void Reading_a_range_of_a_missing_object_throws_not_found() =>
        Assert.That(async () => await Store.OpenReadAsync(TestPath("missing"), 10, 10), Throws.InstanceOf<StorePathNotFoundException>());

    [Test]
    public async Task Reading_a_directory_throws_not_found()
    {
        await WriteTextAsync(TestPath("dir/object"), "x");

        Assert.That(async () => await Store.OpenReadAsync(TestPath("dir")), Throws.InstanceOf<StorePathNotFoundException>());
    }

    [Test]
    public async Task An_empty_object_has_length_zero_and_reads_empty()
    {
        var path = TestPath("empty");
        await WriteBytesAsync(path, []);

        var info = await Store.GetInfoAsync(path);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(info?.Length, Is.Zero);
            Assert.That(await ReadBytesAsync(path), Is.Empty);
            Assert.That(await ReadBytesAsync(path, offset: 0, length: 10), Is.Empty);
            Assert.That(await ReadBytesAsync(path, offset: 5), Is.Empty);
        }
    }

    [TestCase(100L, null, 100, 1000, TestName = "{m}(from an offset to the end)")]
    [TestCase(100L, 50L, 100, 150, TestName = "{m}(an offset and a length)")]
    [TestCase(0L, 1L, 0, 1, TestName = "{m}(the first byte)")]
    [TestCase(999L, 1L, 999, 1000, TestName = "{m}(the last byte)")]
    [TestCase(0L, 1000L, 0, 1000, TestName = "{m}(exactly the whole)")]
    [TestCase(990L, 100L, 990, 1000, TestName = "{m}(a length past the end)")]
    [TestCase(0L, long.MaxValue, 0, 1000, TestName = "{m}(the largest length)")]
    [TestCase(2L, 0L, 2, 2, TestName = "{m}(a length of zero)")]
    public async Task A_ranged_read_returns_the_bytes_in_the_range_up_to_the_end(long offset, long? length, int expectedStart, int expectedEnd)
    {
        var path = TestPath("object");
        var bytes = await WriteGeneratedAsync(path, 1000, seed: 2);

        Assert.That(await ReadBytesAsync(path, offset, length), Is.EqualTo(bytes[expectedStart..expectedEnd]));
    }

    [TestCase(1000)]
    [TestCase(1001)]
    [TestCase(10_000_000)]
    public async Task Reading_at_or_past_the_end_returns_nothing(long offset)
    {
        var path = TestPath("object");
        await WriteGeneratedAsync(path, 1000, seed: 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ReadBytesAsync(path, offset), Is.Empty);
            Assert.That(await ReadBytesAsync(path, offset, length: 10), Is.Empty);
        }
    }

    [Test]
    public async Task A_download_uri_is_null_or_an_absolute_http_url_serving_the_object()
    {
        var path = TestPath("object");
        var bytes = Encoding.UTF8.GetBytes("download me");
        await WriteBytesAsync(path, bytes);

        var uri = await Store.GetDownloadUriAsync(path, TimeSpan.FromMinutes(5));

        if (uri is null)
        {
            return;
        }

        Assert.That(uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps), Is.True, uri.ToString());
        using var http = new HttpClient();
        Assert.That(await http.GetByteArrayAsync(uri), Is.EqualTo(bytes));
    }

    [Test]
    public async Task A_download_uri_of_a_missing_object_is_null_a_url_or_not_found()
    {
        Uri? uri;
        try
        {
            // Drivers may sign a URL without asking whether the object exists: the download then fails instead.
            uri = await Store.GetDownloadUriAsync(TestPath("missing"), TimeSpan.FromMinutes(5));
        }
        catch (StorePathNotFoundException)
        {
            return;
        }

        Assert.That(uri is null || uri.IsAbsoluteUri, Is.True);
    }
}
