using Microsoft.Extensions.Options;
using OciRegistry.Storage.FileSystem;

namespace OciRegistry.Storage.Tests.FileSystem;

/// <summary>The filesystem driver on a temporary folder of its own, deleted at the end.</summary>
public sealed class FileSystemBlobStoreTestTarget : IBlobStoreTestTarget
{
    private string? _root;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        _root = Path.Combine(Path.GetTempPath(), "oci-storage-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IBlobStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var root = _root ?? throw new InvalidOperationException("The target was not initialized.");
        return Task.FromResult<IBlobStore>(new FileSystemBlobStore(Options.Create(new FileSystemBlobStoreOptions { RootDirectory = root })));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        _root = null;
        return ValueTask.CompletedTask;
    }
}
