using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OciRegistry.Storage.S3;

namespace OciRegistry.Api.Tests.Hosting;

/// <summary>The S3 driver on a fresh bucket per host, on Swift's S3 API (<c>eng/services/s3-swift.sh</c>).</summary>
public sealed class S3Target() : ServiceTarget("OCIREGISTRY_TEST_S3_ENDPOINT", "eng/services/s3-swift.sh start")
{
    public override string Name => "s3";

    public override Task<IAsyncDisposable> AddStorageAsync(IOciRegistryBuilder registry, CancellationToken cancellationToken)
    {
        var options = new S3BlobStoreOptions
        {
            ServiceUrl = RequireSetting(),
            AccessKeyId = Environment.GetEnvironmentVariable("OCIREGISTRY_TEST_S3_ACCESS_KEY"),
            SecretAccessKey = Environment.GetEnvironmentVariable("OCIREGISTRY_TEST_S3_SECRET_KEY"),
            Region = Environment.GetEnvironmentVariable("OCIREGISTRY_TEST_S3_REGION") is { Length: > 0 } region ? region : "us-east-1",
            ForcePathStyle = true,

            // Created by the driver at first use.
            Bucket = "ocireg-api-" + Guid.NewGuid().ToString("N"),
            PartSizeMiB = S3BlobStoreOptions.MinimumPartSizeMiB,
        };
        registry.AddS3BlobStore(configure: o =>
        {
            o.ServiceUrl = options.ServiceUrl;
            o.AccessKeyId = options.AccessKeyId;
            o.SecretAccessKey = options.SecretAccessKey;
            o.Region = options.Region;
            o.ForcePathStyle = options.ForcePathStyle;
            o.Bucket = options.Bucket;
            o.PartSizeMiB = options.PartSizeMiB;
        });
        return Task.FromResult<IAsyncDisposable>(new Bucket(options));
    }

    /// <summary>Empties the bucket through the driver itself (its recursive delete also aborts unfinished uploads).</summary>
    private sealed class Bucket(S3BlobStoreOptions options) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var store = new S3BlobStore(Options.Create(options));
            await store.DeleteAsync(string.Empty);
        }
    }
}
