using System.Security.Cryptography;
using System.Text;

namespace OciRegistry.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IBlobStore"/> driver must have, run once per target in
/// <see cref="BlobStoreTestTargets"/>. The tests of one fixture share its storage and run one at a time; each test
/// works under a fresh prefix, except the ones about the root, which start by deleting everything.
/// </summary>
[TestFixtureSource(typeof(BlobStoreTestTargets), nameof(BlobStoreTestTargets.All))]
public sealed partial class BlobStoreContractTests(IBlobStoreTestTarget target)
{
    private const int MiB = 1 << 20;

    // Only stops a test that would otherwise hang on a broken driver; no assertion depends on time.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private IBlobStore? _store;
    private string _prefix = string.Empty;

    /// <summary>The driver instance most tests use.</summary>
    private IBlobStore Store => _store ?? throw new InvalidOperationException("The fixture was not set up.");

    [OneTimeSetUp]
    public async Task StartTargetAsync()
    {
        await target.InitializeAsync(CancellationToken.None);
        _store = await target.CreateStoreAsync(CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopTargetAsync() => await target.DisposeAsync();

    [SetUp]
    public void UseFreshPrefix() => _prefix = "tests/" + Guid.NewGuid().ToString("N");

    /// <summary>A path under this test's own prefix.</summary>
    private string TestPath(string relative) => $"{_prefix}/{relative}";

    private Task<IBlobStore> CreateOtherStoreAsync() => target.CreateStoreAsync(CancellationToken.None);

    private Task WriteBytesAsync(string path, byte[] bytes) => Store.WriteAsync(path, new MemoryStream(bytes));

    private async Task<byte[]> WriteGeneratedAsync(string path, int length, int seed)
    {
        var bytes = GeneratedStream.Bytes(length, seed);
        await WriteBytesAsync(path, bytes);
        return bytes;
    }

    private Task WriteTextAsync(string path, string text) => WriteBytesAsync(path, Encoding.UTF8.GetBytes(text));

    private async Task<byte[]> ReadBytesAsync(string path, long offset = 0, long? length = null, IBlobStore? store = null)
    {
        await using var content = await (store ?? Store).OpenReadAsync(path, offset, length);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<string> ReadTextAsync(string path) => Encoding.UTF8.GetString(await ReadBytesAsync(path));

    private async Task<List<StoreEntry>> ListAsync(string directoryPath, IBlobStore? store = null)
    {
        var entries = new List<StoreEntry>();
        await foreach (var entry in (store ?? Store).ListAsync(directoryPath))
        {
            entries.Add(entry);
        }

        entries.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));
        return entries;
    }

    private static StoreEntry ObjectEntry(string path) => new(path, IsDirectory: false);

    private static StoreEntry DirectoryEntry(string path) => new(path, IsDirectory: true);

    private static async Task<string> Sha256Async(Stream content)
    {
        using var sha256 = SHA256.Create();
        return Convert.ToHexString(await sha256.ComputeHashAsync(content));
    }

    private static async Task<Exception?> CaptureExceptionAsync(Task operation)
    {
        try
        {
            await operation.WaitAsync(HangGuard);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
