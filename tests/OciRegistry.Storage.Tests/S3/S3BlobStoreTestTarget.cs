using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using OciRegistry.Storage.S3;

namespace OciRegistry.Storage.Tests.S3;

/// <summary>
/// The S3 driver on a bucket of its own, created by the driver at first use and deleted at the end, on the
/// S3-compatible server named by <c>OCIREGISTRY_TEST_S3_ENDPOINT</c> (with <c>OCIREGISTRY_TEST_S3_ACCESS_KEY</c>,
/// <c>OCIREGISTRY_TEST_S3_SECRET_KEY</c> and optionally <c>OCIREGISTRY_TEST_S3_REGION</c>). Start OpenStack Swift
/// with <c>eng/services/s3-swift.sh start</c> and set the variables with <c>eval "$(eng/services/s3-swift.sh env)"</c>.
/// Without them the fixture fails on CI (<c>CI=true</c>) and is skipped elsewhere.
/// </summary>
public sealed class S3BlobStoreTestTarget : IBlobStoreTestTarget
{
    /// <summary>The variable holding the endpoint, such as <c>http://127.0.0.1:18080</c>.</summary>
    public const string EndpointVariable = "OCIREGISTRY_TEST_S3_ENDPOINT";

    /// <summary>The variable holding the access key id.</summary>
    public const string AccessKeyVariable = "OCIREGISTRY_TEST_S3_ACCESS_KEY";

    /// <summary>The variable holding the secret access key.</summary>
    public const string SecretKeyVariable = "OCIREGISTRY_TEST_S3_SECRET_KEY";

    /// <summary>The variable holding the region requests are signed for (<c>us-east-1</c> when unset).</summary>
    public const string RegionVariable = "OCIREGISTRY_TEST_S3_REGION";

    private readonly List<S3BlobStore> _stores = [];
    private S3BlobStoreOptions? _options;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        var accessKey = Environment.GetEnvironmentVariable(AccessKeyVariable);
        var secretKey = Environment.GetEnvironmentVariable(SecretKeyVariable);
        if (string.IsNullOrWhiteSpace(endpoint) || string.IsNullOrWhiteSpace(accessKey) || string.IsNullOrWhiteSpace(secretKey))
        {
            Unavailable($"{EndpointVariable}, {AccessKeyVariable} and {SecretKeyVariable} are not all set: run " +
                        "`eng/services/s3-swift.sh start` and `eval \"$(eng/services/s3-swift.sh env)\"` first.");
        }

        var region = Environment.GetEnvironmentVariable(RegionVariable);
        var options = new S3BlobStoreOptions
        {
            // A bucket that does not exist yet: the driver creates it at first use.
            Bucket = "ocireg-tests-" + Guid.NewGuid().ToString("N"),
            ServiceUrl = endpoint,
            Region = string.IsNullOrWhiteSpace(region) ? "us-east-1" : region,
            ForcePathStyle = true,
            AccessKeyId = accessKey,
            SecretAccessKey = secretKey,

            // A prefix, as a registry sharing a bucket with other data has; and the smallest parts S3 allows, so that
            // writes of a few MiB already go through multipart uploads.
            RootDirectory = "/registry-root/",
            PartSizeMiB = S3BlobStoreOptions.MinimumPartSizeMiB,
            Timeout = TimeSpan.FromSeconds(60), // generous: a loaded two-core CI machine, not a speed check
        };

        using var client = AdminClient(options);
        try
        {
            await client.ListBucketsAsync(new ListBucketsRequest(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unavailable($"The S3 server at {endpoint} does not answer ({e.GetType().Name}: {e.Message.Split('\n')[0]}); " +
                        "is it running (`eng/services/s3-swift.sh start`)?");
        }

        _options = options;
    }

    /// <inheritdoc />
    public Task<IBlobStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var options = _options ?? throw new InvalidOperationException("The target was not initialized.");
        var store = new S3BlobStore(Options.Create(options));
        _stores.Add(store);
        return Task.FromResult<IBlobStore>(store);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _stores.Clear();
        if (_options is { } options)
        {
            _options = null;
            using var client = AdminClient(options);
            await DeleteBucketAsync(client, options.Bucket);
        }
    }

    private static AmazonS3Client AdminClient(S3BlobStoreOptions options) =>
        new(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            AuthenticationRegion = options.Region,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(60), // generous: a loaded two-core CI machine, not a speed check
        });

    // Everything the tests left, unfinished multipart uploads included, then the bucket.
    private static async Task DeleteBucketAsync(AmazonS3Client client, string bucket)
    {
        try
        {
            var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
            }

            ListObjectsV2Response page;
            do
            {
                page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
                foreach (var item in page.S3Objects ?? [])
                {
                    await client.DeleteObjectAsync(bucket, item.Key);
                }
            }
            while (page.IsTruncated == true);

            await client.DeleteBucketAsync(bucket);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Never created: the fixture stopped before its first operation.
        }
    }

    private static void Unavailable(string message)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }
}
