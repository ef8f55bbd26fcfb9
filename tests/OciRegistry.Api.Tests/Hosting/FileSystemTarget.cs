using Microsoft.Extensions.DependencyInjection;

namespace OciRegistry.Api.Tests.Hosting;

/// <summary>The filesystem driver on a fresh temporary folder per host.</summary>
public sealed class FileSystemTarget : RegistryTarget
{
    public override string Name => "filesystem";

    public override Task<IAsyncDisposable> AddStorageAsync(IOciRegistryBuilder registry, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("oci-api-tests-");
        registry.AddFileSystemBlobStore(configure: o => o.RootDirectory = root.FullName);
        return Task.FromResult<IAsyncDisposable>(new TemporaryFolder(root));
    }

    private sealed class TemporaryFolder(DirectoryInfo folder) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a cut request: the OS temp cleaner gets it later.
            }

            return ValueTask.CompletedTask;
        }
    }
}
