using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.Engine;
using OciRegistry.Engine.Uploads;
using OciRegistry.Errors;
using OciRegistry.Hashing;
using OciRegistry.Storage;
using OciRegistry.Storage.FileSystem;
using OciRegistry.Telemetry;

namespace OciRegistry.Tests.Engine;

public sealed class UploadServiceTests
{
    private static readonly RepositoryName Name = RepositoryName.Parse("a/b");
    private DirectoryInfo root = null!;
    private ServiceProvider services = null!;

    [SetUp]
    public void CreateStorage()
    {
        root = Directory.CreateTempSubdirectory("oci-upload-tests-");
        services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    }

    [TearDown]
    public void DeleteStorage()
    {
        services.Dispose();
        root.Delete(recursive: true);
    }

    [Test]
    public async Task A_chunk_at_the_right_offset_refused_by_a_running_append_is_answered_retry_later()
    {
        var store = new RefusingAppendStore(new FileSystemBlobStore(Options.Create(new FileSystemBlobStoreOptions { RootDirectory = root.FullName })));
        var uploads = new UploadService(store, new LinkFiles(store), new UploadHashCache(), TimeProvider.System, new RegistryMetrics(services.GetRequiredService<IMeterFactory>()));
        var id = await uploads.StartAsync(Name, CancellationToken.None);
        await uploads.AppendAsync(Name, id, 0, new MemoryStream(new byte[10]), CancellationToken.None);

        // As the S3 driver does while a killed process's append still holds the upload's lock.
        store.Refusing = true;
        var busy = Assert.ThrowsAsync<OciRegistryException>(() => uploads.AppendAsync(Name, id, 10, new MemoryStream(new byte[5]), CancellationToken.None));
        store.Refusing = false;
        var length = await uploads.AppendAsync(Name, id, 10, new MemoryStream(new byte[5]), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(busy!.Code, Is.EqualTo(OciErrorCode.Unavailable), "503, not a 416 whose Range says the chunk was right");
            Assert.That(busy.Headers, Does.ContainKey("Retry-After"));
            Assert.That(busy.Headers!["Range"], Is.EqualTo("0-9"));
            Assert.That(length, Is.EqualTo(15), "the chunk sent again is taken");
        });
    }

    [Test]
    public async Task A_chunk_at_the_wrong_offset_is_answered_with_the_upload_range()
    {
        var store = new RefusingAppendStore(new FileSystemBlobStore(Options.Create(new FileSystemBlobStoreOptions { RootDirectory = root.FullName })));
        var uploads = new UploadService(store, new LinkFiles(store), new UploadHashCache(), TimeProvider.System, new RegistryMetrics(services.GetRequiredService<IMeterFactory>()));
        var id = await uploads.StartAsync(Name, CancellationToken.None);
        await uploads.AppendAsync(Name, id, 0, new MemoryStream(new byte[10]), CancellationToken.None);

        var outOfOrder = Assert.ThrowsAsync<OciRegistryException>(() => uploads.AppendAsync(Name, id, 4, new MemoryStream(new byte[5]), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(outOfOrder!.Code, Is.EqualTo(OciErrorCode.RangeInvalid));
            Assert.That(outOfOrder.Headers!["Range"], Is.EqualTo("0-9"));
        });
    }

    /// <summary>A filesystem store whose appends can be made to fail as though another append held the object.</summary>
    private sealed class RefusingAppendStore(IBlobStore inner) : IBlobStore
    {
        public bool Refusing { get; set; }

        public Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default) =>
            Refusing ? throw new StoreConflictException($"Another append to '{path}' is running.") : inner.AppendAsync(path, offset, content, cancellationToken);

        public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default) => inner.GetInfoAsync(path, cancellationToken);

        public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default) =>
            inner.OpenReadAsync(path, offset, length, cancellationToken);

        public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default) => inner.WriteAsync(path, content, cancellationToken);

        public Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default) => inner.GetAppendedLengthAsync(path, cancellationToken);

        public Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default) => inner.CompleteAppendAsync(path, cancellationToken);

        public IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, CancellationToken cancellationToken = default) => inner.ListAsync(directoryPath, cancellationToken);

        public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);

        public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default) =>
            inner.MoveAsync(sourcePath, destinationPath, cancellationToken);

        public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
            inner.GetDownloadUriAsync(path, lifetime, cancellationToken);
    }
}
