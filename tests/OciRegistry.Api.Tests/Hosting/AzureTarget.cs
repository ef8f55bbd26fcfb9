using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace OciRegistry.Api.Tests.Hosting;

/// <summary>The Azure driver on a fresh container per host, in Azurite (<c>eng/services/azurite.sh</c>).</summary>
public sealed class AzureTarget() : ServiceTarget("OCIREGISTRY_TEST_AZURE_CONNECTION_STRING", "eng/services/azurite.sh start")
{
    public override string Name => "azure";

    public override Task<IAsyncDisposable> AddStorageAsync(IOciRegistryBuilder registry, CancellationToken cancellationToken)
    {
        var connectionString = RequireSetting();
        var container = "ocireg-api-" + Guid.NewGuid().ToString("N");
        registry.AddAzureBlobStore(configure: o =>
        {
            o.ConnectionString = connectionString;
            o.Container = container;
            o.BlockSizeMiB = 1;
        });
        return Task.FromResult<IAsyncDisposable>(new Container(new BlobServiceClient(connectionString).GetBlobContainerClient(container)));
    }

    private sealed class Container(BlobContainerClient client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await client.DeleteIfExistsAsync();
    }
}
