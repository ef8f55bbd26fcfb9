using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OciRegistry.Storage.FileSystem;
using OciRegistry.Storage.Tests.Support;

namespace OciRegistry.Storage.Tests.FileSystem;

/// <summary>
/// What the filesystem driver's appends leave on disk, and their bytes with and without direct writes (which only
/// take buffers, offsets and lengths in whole 4 KiB blocks, so every chunk that starts or ends between blocks goes
/// partly through the page cache).
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class FileSystemAppendTests(bool directAppends)
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    private string _root = string.Empty;
    private FileSystemBlobStore _store = null!;

    [SetUp]
    public void CreateStore()
    {
        _root = Path.Combine(Path.GetTempPath(), "oci-fs-append-tests-" + Guid.NewGuid().ToString("N"));
        _store = new FileSystemBlobStore(Options.Create(new FileSystemBlobStoreOptions { RootDirectory = _root, DirectAppends = directAppends }));
    }

    [TearDown]
    public void DeleteRoot()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static IEnumerable<TestCaseData> ChunkPlans()
    {
        yield return Plan("one byte short of a block, then a block and one byte", 4 * KiB - 1, 4 * KiB + 1);
        yield return Plan("unaligned head, then more than two buffers", 3, 2 * MiB + 5 * KiB + 7, 1);
        yield return Plan("whole blocks only", 8 * KiB, 3 * MiB, 4 * KiB);
        yield return Plan("a large unaligned chunk after an aligned one", MiB, 3 * MiB + 4095);

        static TestCaseData Plan(string name, params long[] chunks) => new TestCaseData(chunks).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(ChunkPlans))]
    public async Task Chunks_starting_and_ending_anywhere_complete_into_exactly_the_bytes_sent(long[] chunks)
    {
        const string path = "repo/_uploads/id/data";
        long offset = 0;
        foreach (var chunk in chunks)
        {
            Assert.That(await _store.AppendAsync(path, offset, new GeneratedStream(chunk, seed: 7, start: offset)), Is.EqualTo(offset + chunk));
            offset += chunk;
            Assert.That(new FileInfo(Path.Combine(_root, path + "~append")).Length, Is.EqualTo(offset), "nothing past the data, no padding");
        }

        await _store.CompleteAppendAsync(path);

        await using var stored = await _store.OpenReadAsync(path);
        Assert.That(await Sha256Async(stored), Is.EqualTo(await Sha256Async(new GeneratedStream(offset, seed: 7))));
    }

    [Test]
    public async Task An_unfinished_append_lies_beside_its_object_and_no_listing_shows_it()
    {
        await _store.WriteAsync("repo/_uploads/id/startedat", new MemoryStream([1]));

        await _store.AppendAsync("repo/_uploads/id/data", 0, new GeneratedStream(5 * KiB, seed: 8));
        await _store.AppendAsync("other/only-an-append", 0, new GeneratedStream(10, seed: 9));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.Exists(Path.Combine(_root, "repo/_uploads/id/data~append")));
            Assert.That(await ListAsync("repo/_uploads/id"), Is.EqualTo(new[] { "repo/_uploads/id/startedat" }));
            Assert.That(await ListAsync(""), Is.EqualTo(new[] { "repo" }), "a folder with nothing but an unfinished append is not there yet");
            Assert.That(await _store.GetInfoAsync("repo/_uploads/id/data"), Is.Null);
        }
    }

    [Test]
    public async Task Completing_and_deleting_leave_no_directory_or_file_of_the_append_behind()
    {
        await _store.WriteAsync("repo/_uploads/id/startedat", new MemoryStream([1]));
        await _store.AppendAsync("repo/_uploads/id/data", 0, new GeneratedStream(MiB + 3, seed: 10));
        await _store.CompleteAppendAsync("repo/_uploads/id/data");
        await _store.AppendAsync("repo/_uploads/other/data", 0, new GeneratedStream(3, seed: 11));

        await _store.DeleteAsync("repo/_uploads/other");

        var files = Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(_root, file));
        Assert.That(files, Is.EquivalentTo(new[] { "repo/_uploads/id/startedat", "repo/_uploads/id/data" }));
    }

    private async Task<List<string>> ListAsync(string directory)
    {
        var names = new List<string>();
        await foreach (var entry in _store.ListAsync(directory))
        {
            names.Add(entry.Path);
        }

        return names;
    }

    private static async Task<string> Sha256Async(Stream stream) => Convert.ToHexString(await SHA256.HashDataAsync(stream));
}
