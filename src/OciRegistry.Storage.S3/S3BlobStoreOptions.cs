namespace OciRegistry.Storage.S3;

/// <summary>Settings of the S3 driver (<c>OciRegistry:Storage:S3</c>), checked when the host starts.</summary>
public sealed class S3BlobStoreOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (other than the last one), in MiB.</summary>
    public const int MinimumPartSizeMiB = 5;

    /// <summary>The largest <see cref="PartSizeMiB"/> accepted: one part is buffered in memory.</summary>
    public const int MaximumPartSizeMiB = 1024;

    /// <summary>
    /// The bucket. Required. It is created at first use when it does not exist (in <see cref="Region"/>), which
    /// needs the <c>s3:CreateBucket</c> permission; with an existing bucket, no such permission is needed.
    /// </summary>
    public string Bucket { get; set; } = string.Empty;

    /// <summary>
    /// The AWS region (<c>us-east-1</c>, <c>eu-central-1</c>, ...). With <see cref="ServiceUrl"/> it is the region
    /// requests are signed for (<c>us-east-1</c> when empty); without it, empty means the SDK's default
    /// (<c>AWS_REGION</c>, the profile).
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// The endpoint of an S3-compatible service (<c>http://127.0.0.1:9000</c>, a Swift proxy with s3api, ...);
    /// empty for Amazon S3 itself. Download URLs use its scheme.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// Addresses the bucket in the path (<c>http://host/bucket/key</c>) rather than in the host name. Most
    /// S3-compatible services need it.
    /// </summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>The access key id. When empty, credentials come from the SDK's default chain (environment, profile, instance role).</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// The key prefix everything is stored under, like the Go registry's <c>rootdirectory</c>: registry data lies
    /// under <c>&lt;RootDirectory&gt;/docker/registry/v2/</c>, so a bucket written by the Go registry with the same
    /// setting is served as is. Empty (the default) stores at the top of the bucket. Leading and trailing
    /// <c>/</c> are ignored.
    /// </summary>
    public string? RootDirectory { get; set; }

    /// <summary>
    /// The size of the parts of multipart uploads, in MiB: from 5 (S3's minimum) to 1024; 16 by default. Each
    /// write or append in progress holds one part in memory, so this bounds the driver's memory per request; S3
    /// allows at most 10,000 parts per object (OpenStack Swift 1,000 by default), which bounds the object size.
    /// </summary>
    public int PartSizeMiB { get; set; } = 16;

    /// <summary>
    /// How long one request to S3 may take (sending a part included), and how long a download may stall, before
    /// the attempt fails. 30 seconds by default. With <see cref="MaxRetries"/>, an operation on a service that stopped
    /// answering fails after about <c>Timeout × (MaxRetries + 1)</c>, and the registry answers 503; a service that
    /// refuses connections fails at once.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times the SDK retries a request that failed for a reason worth retrying (throttling, a 5xx answer,
    /// a timeout, a broken connection), with backoff; 2 by default, 0 to 10.
    /// </summary>
    public int MaxRetries { get; set; } = 2;
}
