using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OciRegistry.Storage.S3.Internal;

namespace OciRegistry.Storage.S3;

/// <summary>
/// <see cref="IBlobStore"/> on an Amazon S3 bucket or an S3-compatible service, with the key layout of the Go
/// registry's S3 driver (<c>&lt;RootDirectory&gt;/docker/registry/v2/...</c>).
/// </summary>
/// <remarks>
/// <para>
/// Whole-object writes stream through one pooled buffer of <see cref="S3BlobStoreOptions.PartSizeMiB"/>: an object
/// that fits is sent with one PUT, a larger one as a multipart upload, visible only once completed. Memory per
/// write or append in progress is one part, whatever the object's size.
/// </para>
/// <para>
/// An append is a multipart upload on the object's own key, whose parts are at least 5 MiB; the bytes after the last
/// whole part (fewer than 5 MiB) wait in a driver-private tail object and are sent again at the front of the next
/// part. A small JSON state object records the upload, its parts and the tail; rewriting it is the commit point of
/// each append, so any process continues an append from the bucket alone. Completion turns the upload into the
/// object (the tail becomes its last part, copied server-side). These private objects lie under
/// <c>&lt;RootDirectory&gt;/~oci-appends/</c>, which listings leave out. S3 offers no lock and S3-compatible services
/// do not all honour conditional writes, so a running append claims its path with a lock object of its own that it
/// renews (checked against the others through a strongly consistent listing), and every commit checks the state's
/// generation number: of two appends racing at one offset, one gets <see cref="StoreConflictException"/>.
/// </para>
/// <para>
/// Requests time out after <see cref="S3BlobStoreOptions.Timeout"/> (a download after stalling that long), and
/// failures of the service or the network surface as <see cref="StoreUnavailableException"/>. For HTTPS endpoints
/// the certificates named by <c>AWS_CA_BUNDLE</c>, when set, are trusted instead of the system's, as by the AWS CLI;
/// plain-HTTP endpoints are not affected by it. Other <c>AWS_*</c> variables act as the SDK documents them (for
/// example <c>AWS_ENDPOINT_URL</c> when <see cref="S3BlobStoreOptions.ServiceUrl"/> is empty).
/// </para>
/// <para>
/// Moves are server-side copies (multipart copies for large objects) followed by a delete of the source. A crashed
/// process can leave an unfinished multipart upload behind; a bucket lifecycle rule that aborts incomplete
/// multipart uploads after a day or more removes them.
/// </para>
/// </remarks>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private const int MiB = 1 << 20;

    // S3 refuses smaller parts, except the last one of an upload.
    private const long MinimumPartSize = 5L * MiB;

    // Objects up to this size are moved with one CopyObject, larger ones with parts of at least this size copied in
    // parallel, so that no single server-side copy runs long enough to hit the request timeout.
    private const long CopyPartSize = 256L * MiB;
    private const long MaximumCopyPartSize = 5L * 1024 * MiB;
    private const int MaximumCopyParts = 1000;
    private const int ParallelCopies = 4;

    // OpenStack Swift's error for a copy of a multipart object whose segments are gone: a delete of the source (or an
    // abort of the upload behind it) came first.
    private const string BrokenMultipartObject = "BrokenMPU";

    // Keys per listing page (S3's maximum), per multi-object delete, and deletes sent at once.
    private const int ListPageSize = 1000;
    private const int DeleteBatchSize = 200;
    private const int ParallelDeletes = 4;

    // How long an append's lock holds without being renewed (it is renewed five times as often). Short, because a
    // killed process's lock blocks its upload that long; the state's generation check, not the lock, is what keeps
    // two appends from both committing, so a renewal delayed past it costs no data.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    private const int LeaseRenewals = 5;

    // Attempts after which a lock held by another append is waited out rather than retried after a short pause.
    private const int LeaseAttempts = 3;

    // Presigned URLs signed with SigV4 are valid for at most a week.
    private static readonly TimeSpan MaximumUriLifetime = TimeSpan.FromDays(7);

    private readonly AmazonS3Client _s3;
    private readonly S3HttpClientFactory _httpClients;
    private readonly S3KeyLayout _keys;
    private readonly string _bucket;
    private readonly string? _bucketRegion;
    private readonly int _partSize;
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _timeout;
    private readonly Protocol _downloadProtocol;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _bucketCheck = new(1, 1);
    private volatile bool _bucketReady;

    /// <summary>Creates the driver for the bucket named by <paramref name="options"/>. No request is sent before the first operation.</summary>
    public S3BlobStore(IOptions<S3BlobStoreOptions> options, TimeProvider? timeProvider = null, ILogger<S3BlobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _bucket = settings.Bucket;
        _keys = new S3KeyLayout(settings.RootDirectory);
        _partSize = settings.PartSizeMiB * MiB;
        _timeout = settings.Timeout;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var region = string.IsNullOrWhiteSpace(settings.Region) ? null : settings.Region.Trim();
        _bucketRegion = region is null || region == "us-east-1" ? null : region;

        var serviceUrl = string.IsNullOrWhiteSpace(settings.ServiceUrl) ? null : settings.ServiceUrl.Trim();
        _downloadProtocol = serviceUrl is not null && serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        _httpClients = new S3HttpClientFactory(settings.Timeout);
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,

            // Checksums only where the API demands them: S3-compatible services do not all know the newer
            // x-amz-checksum-* headers, and the payload is signed (HTTP) or protected by TLS anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = settings.Timeout,
            MaxErrorRetry = settings.MaxRetries,
            HttpClientFactory = _httpClients,
        };
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        _s3 = string.IsNullOrWhiteSpace(settings.AccessKeyId)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey), config);
    }

    /// <summary>The bucket.</summary>
    public string Bucket => _bucket;

    /// <summary>The key prefix of every object: empty, or the root directory followed by <c>/</c>.</summary>
    public string KeyPrefix => _keys.Root;

    /// <inheritdoc />
    public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            var metadata = await TryGetMetadataAsync(_keys.ObjectKey(path), cancellationToken).ConfigureAwait(false);
            return metadata is null ? null : new BlobInfo(path, metadata.ContentLength, ToDateTimeOffset(metadata.LastModified), metadata.ETag);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(length));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            var key = _keys.ObjectKey(path);
            if (length == 0)
            {
                return await TryGetMetadataAsync(key, cancellationToken).ConfigureAwait(false) is null
                    ? throw new StorePathNotFoundException(path)
                    : new MemoryStream([], writable: false);
            }

            var request = new GetObjectRequest { BucketName = _bucket, Key = key };
            if (offset > 0 || length is not null)
            {
                request.ByteRange = length is { } limit && limit <= long.MaxValue - offset
                    ? new ByteRange(offset, offset + limit - 1)
                    : new ByteRange($"bytes={offset}-");
            }

            GetObjectResponse response;
            try
            {
                response = await _s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new StorePathNotFoundException($"No object at '{path}'.", e);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The object exists and the offset lies at or past its end.
                return new MemoryStream([], writable: false);
            }

            return (Stream)new S3ObjectReadStream(response, _timeout, path);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        ArgumentNullException.ThrowIfNull(content);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            var key = _keys.ObjectKey(path);
            using var buffer = new PartBuffer(_partSize);
            if (await buffer.FillFromAsync(content, cancellationToken).ConfigureAwait(false))
            {
                await PutObjectAsync(key, buffer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteMultipartAsync(key, buffer, content, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            var key = _keys.ObjectKey(path);
            var lease = await AcquireAppendLeaseAsync(path, cancellationToken).ConfigureAwait(false);
            await using var leaseScope = lease.ConfigureAwait(false);
            var state = await ReadAppendStateAsync(path, cancellationToken).ConfigureAwait(false);
            var startedHere = false;
            if (state is null)
            {
                if (offset != 0)
                {
                    throw new StoreConflictException($"Append to '{path}' at offset {offset}, but no append was started there.");
                }

                state = await StartAppendAsync(path, key, cancellationToken).ConfigureAwait(false);
                startedHere = true;
            }
            else if (state.Length != offset)
            {
                throw new StoreConflictException($"Append to '{path}' at offset {offset}, but its length is {state.Length}.");
            }

            var replacedTails = new List<string>();
            try
            {
                state = await AppendPartsAsync(path, key, state, content, replacedTails, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreConflictException) when (startedHere)
            {
                // Another process started an append here at the same time and won: this upload is nobody's.
                await AbortQuietlyAsync(key, state.UploadId).ConfigureAwait(false);
                throw;
            }
            finally
            {
                foreach (var tail in replacedTails)
                {
                    await DeleteQuietlyAsync(tail).ConfigureAwait(false);
                }
            }

            return state.Length;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            return (await ReadAppendStateAsync(path, cancellationToken).ConfigureAwait(false))?.Length;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            var state = await ReadAppendStateAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new StorePathNotFoundException(path);
            var key = _keys.ObjectKey(path);
            if (state.Parts.Count == 0)
            {
                // Fewer than 5 MiB in all: the object is the tail, copied server-side (or nothing at all).
                if (state.TailKey is null)
                {
                    await PutEmptyObjectAsync(key, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await CopyTailAsync(path, state.TailKey, key, cancellationToken).ConfigureAwait(false);
                }

                await AbortQuietlyAsync(key, state.UploadId).ConfigureAwait(false);
            }
            else
            {
                await CompleteMultipartAppendAsync(path, key, state, cancellationToken).ConfigureAwait(false);
            }

            await DeleteKeysUnderAsync(_keys.AppendFilesPrefix(path), cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorePath.Validate(directoryPath, allowRoot: true);
        cancellationToken.ThrowIfCancellationRequested();
        await RunAsync(directoryPath, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        var prefix = _keys.DirectoryPrefix(directoryPath);
        var pathPrefix = directoryPath.Length == 0 ? string.Empty : directoryPath + "/";
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, Delimiter = "/", ContinuationToken = continuation };
            var page = await RunAsync(directoryPath, () => _s3.ListObjectsV2Async(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var commonPrefix in page.CommonPrefixes ?? [])
            {
                var name = commonPrefix[prefix.Length..].TrimEnd('/');
                if (IsStoreName(name))
                {
                    yield return new StoreEntry(pathPrefix + name, IsDirectory: true);
                }
            }

            foreach (var item in page.S3Objects ?? [])
            {
                var name = item.Key[prefix.Length..];
                if (IsStoreName(name))
                {
                    yield return new StoreEntry(pathPrefix + name, IsDirectory: false);
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path, allowRoot: true);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);

            // Unfinished appends first: their uploads are aborted before their state disappears.
            var deleted = await DeleteAppendsUnderAsync(path, cancellationToken).ConfigureAwait(false);
            if (path.Length > 0)
            {
                var key = _keys.ObjectKey(path);
                if (await TryGetMetadataAsync(key, cancellationToken).ConfigureAwait(false) is not null)
                {
                    await DeleteObjectAsync(key, cancellationToken).ConfigureAwait(false);
                    deleted = true;
                }
            }

            deleted |= await DeleteKeysUnderAsync(_keys.DirectoryPrefix(path), cancellationToken).ConfigureAwait(false) > 0;
            return deleted;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(sourcePath);
        StorePath.Validate(destinationPath);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(sourcePath, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            var source = _keys.ObjectKey(sourcePath);
            var destination = _keys.ObjectKey(destinationPath);
            var metadata = await TryGetMetadataAsync(source, cancellationToken).ConfigureAwait(false) ?? throw new StorePathNotFoundException(sourcePath);
            if (sourcePath == destinationPath)
            {
                return true;
            }

            try
            {
                if (metadata.ContentLength <= CopyPartSize)
                {
                    await _s3.CopyObjectAsync(new CopyObjectRequest
                    {
                        SourceBucket = _bucket,
                        SourceKey = source,
                        DestinationBucket = _bucket,
                        DestinationKey = destination,
                    }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await CopyMultipartAsync(source, destination, metadata.ContentLength, metadata.ETag, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed || e.ErrorCode == BrokenMultipartObject)
            {
                // Another caller moved, deleted or replaced it in the meantime.
                throw new StorePathNotFoundException($"No object at '{sourcePath}'.", e);
            }

            await DeleteObjectAsync(source, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A presigned GET URL, signed locally without asking whether the object exists (a download of a missing object
    /// then fails with 404). It uses the scheme of <see cref="S3BlobStoreOptions.ServiceUrl"/>, and lives at most a week.
    /// </remarks>
    public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        return RunAsync(path, async () =>
        {
            var request = new GetPreSignedUrlRequest
            {
                BucketName = _bucket,
                Key = _keys.ObjectKey(path),
                Verb = HttpVerb.GET,
                Protocol = _downloadProtocol,
                Expires = _time.GetUtcNow().UtcDateTime + (lifetime < MaximumUriLifetime ? lifetime : MaximumUriLifetime),
            };
            var url = await _s3.GetPreSignedURLAsync(request).ConfigureAwait(false);
            return (Uri?)new Uri(url, UriKind.Absolute);
        }, cancellationToken);
    }

    /// <summary>Releases the HTTP connections.</summary>
    public void Dispose()
    {
        _s3.Dispose();
        _httpClients.Dispose();
        _bucketCheck.Dispose();
    }

    /// <summary>Checks that the bucket answers (creating it if missing); throws <see cref="StoreUnavailableException"/> otherwise.</summary>
    internal Task ProbeAsync(CancellationToken cancellationToken) =>
        RunAsync(string.Empty, async () =>
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = _keys.Root, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    // Runs one operation, turning the SDK's and the network's failures into StoreUnavailableException. The driver's own
    // typed errors and the caller's cancellation pass through, and so do failures of the caller's content stream.
    private async Task<T> RunAsync<T>(string path, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SourceStreamException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        catch (BlobStoreException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new StoreUnavailableException($"S3 bucket '{_bucket}' failed on '{path}': {e.Message}", e);
        }
    }

    private static bool IsStorageFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException
            or OperationCanceledException or JsonException or System.Net.Sockets.SocketException;

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
        {
            return;
        }

        await _bucketCheck.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_bucketReady)
            {
                return;
            }

            try
            {
                await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = _bucket }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                await CreateBucketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                // Credentials limited to objects may not look at the bucket itself; the operations will tell.
            }

            _bucketReady = true;
        }
        finally
        {
            _bucketCheck.Release();
        }
    }

    private async Task CreateBucketAsync(CancellationToken cancellationToken)
    {
        var request = new PutBucketRequest { BucketName = _bucket };
        if (_bucketRegion is not null)
        {
            request.BucketRegionName = _bucketRegion;
        }

        try
        {
            await _s3.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
            S3BlobStoreLog.BucketCreated(_logger, _bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Created by another instance at the same time.
        }
    }

    private async Task<GetObjectMetadataResponse?> TryGetMetadataAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<string> PutObjectAsync(string key, PartBuffer buffer, CancellationToken cancellationToken)
    {
        using var body = buffer.AsStream();
        var response = await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,

            // aws-chunked bodies are not understood by every S3-compatible service; the body is in memory anyway.
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
        return response.ETag;
    }

    private async Task<string> UploadPartAsync(string key, string uploadId, int partNumber, PartBuffer buffer, CancellationToken cancellationToken)
    {
        using var body = buffer.AsStream();
        var response = await _s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = body,
            PartSize = buffer.Count,
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
        return response.ETag;
    }

    private async Task WriteMultipartAsync(string key, PartBuffer buffer, Stream content, CancellationToken cancellationToken)
    {
        var uploadId = (await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            var ended = false;
            while (true)
            {
                var number = parts.Count + 1;
                parts.Add(new PartETag(number, await UploadPartAsync(key, uploadId, number, buffer, cancellationToken).ConfigureAwait(false)));
                if (ended)
                {
                    break;
                }

                buffer.Clear();
                ended = await buffer.FillFromAsync(content, cancellationToken).ConfigureAwait(false);
                if (ended && buffer.Count == 0)
                {
                    break;
                }
            }

            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task CopyMultipartAsync(string source, string destination, long length, string? sourceETag, CancellationToken cancellationToken)
    {
        var partSize = Math.Max(CopyPartSize, (length + MaximumCopyParts - 1) / MaximumCopyParts);
        partSize = Math.Min(partSize, MaximumCopyPartSize);
        var partCount = (int)((length + partSize - 1) / partSize);
        var uploadId = (await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = destination }, cancellationToken).ConfigureAwait(false)).UploadId;
        try
        {
            var parts = new PartETag[partCount];
            await Parallel.ForEachAsync(Enumerable.Range(0, partCount), new ParallelOptions { MaxDegreeOfParallelism = ParallelCopies, CancellationToken = cancellationToken }, async (index, token) =>
            {
                var first = index * partSize;
                var response = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _bucket,
                    SourceKey = source,
                    DestinationBucket = _bucket,
                    DestinationKey = destination,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                    FirstByte = first,
                    LastByte = Math.Min(first + partSize, length) - 1,
                }, token).ConfigureAwait(false);
                parts[index] = new PartETag(index + 1, response.ETag);
            }).ConfigureAwait(false);

            // The parts must all come from one version of the source. x-amz-copy-source-if-match would say so per part,
            // but OpenStack Swift refuses it for objects that were themselves uploaded in parts; checking the version
            // after the copy and before it becomes visible works everywhere.
            var after = await TryGetMetadataAsync(source, cancellationToken).ConfigureAwait(false);
            if (after is null || after.ETag != sourceETag || after.ContentLength != length)
            {
                throw new StoreConflictException($"'{source}' changed while it was copied.");
            }

            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = destination,
                UploadId = uploadId,
                PartETags = [.. parts],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(destination, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    // S3 has no lock and no compare-and-swap (and S3-compatible services may not honour conditional writes), but its
    // listings are strongly consistent: each append writes a lock object of its own, then lists the locks. Of two
    // appends that overlap, the one listing second sees the other's lock, so at most one goes on (both give up when
    // they start within one round trip of each other, and try again after a random pause). A lock not renewed for
    // LeaseDuration is a crashed process's leftover; its age is measured against the fresh lock's own server time, so
    // no clocks are compared. An append that finds another's lock waits until that lock would expire, once: a client
    // continuing an upload whose previous request died with its process gets through after at most LeaseDuration, and
    // one racing a live append gets the conflict after that.
    private async Task<AppendLease> AcquireAppendLeaseAsync(string path, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var waitedOut = false;
        for (var attempt = 1; ; attempt++)
        {
            var (lease, otherExpiresIn) = await TryAcquireAppendLeaseAsync(path, cancellationToken).ConfigureAwait(false);
            if (lease is not null)
            {
                return lease;
            }

            if (attempt < LeaseAttempts)
            {
                // Two appends that saw each other's locks both gave up; if the other one is still running its lock
                // stays and the next attempt fails too. A random pause lets one of two simultaneous starters win.
                await Task.Delay(TimeSpan.FromMilliseconds(50 + Random.Shared.Next(200)), _time, cancellationToken).ConfigureAwait(false);
            }
            else if (!waitedOut && otherExpiresIn is { } expiresIn)
            {
                // Server times have whole seconds: a second more, and the lock is surely past its time.
                waitedOut = true;
                S3BlobStoreLog.WaitingForAppendLock(_logger, path, expiresIn);
                await Task.Delay(expiresIn + TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new StoreConflictException(
                    $"Another append to '{path}' is running (waited {_time.GetElapsedTime(started).TotalSeconds:F0} s for its lock).");
            }
        }
    }

    // The lease, or null and how long until the youngest other lock expires (null when the conflict was not a lock).
    private async Task<(AppendLease? Lease, TimeSpan? OtherExpiresIn)> TryAcquireAppendLeaseAsync(string path, CancellationToken cancellationToken)
    {
        var prefix = _keys.AppendLockPrefix(path);
        var lockKey = prefix + Guid.NewGuid().ToString("N");
        await PutEmptyObjectAsync(lockKey, cancellationToken).ConfigureAwait(false);
        TimeSpan? otherExpiresIn = null;
        try
        {
            var locks = new List<S3Object>();
            string? continuation = null;
            do
            {
                var page = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, ContinuationToken = continuation }, cancellationToken).ConfigureAwait(false);
                locks.AddRange(page.S3Objects ?? []);
                continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (!string.IsNullOrEmpty(continuation));

            if (locks.FirstOrDefault(l => l.Key == lockKey)?.LastModified is { } now)
            {
                var youngest = locks.Where(l => l.Key != lockKey && l.LastModified > now - LeaseDuration).Max(l => l.LastModified);
                if (youngest is null)
                {
                    return (new AppendLease(LeaseDuration / LeaseRenewals, _time, token => PutEmptyObjectAsync(lockKey, token), () => DeleteQuietlyAsync(lockKey)), null);
                }

                otherExpiresIn = youngest.Value + LeaseDuration - now;
            }
        }
        catch
        {
            await DeleteQuietlyAsync(lockKey).ConfigureAwait(false);
            throw;
        }

        // Not listed yet, or another append holds the path.
        await DeleteQuietlyAsync(lockKey).ConfigureAwait(false);
        return (null, otherExpiresIn);
    }

    private async Task PutEmptyObjectAsync(string key, CancellationToken cancellationToken)
    {
        using var empty = new PartBuffer(0);
        await PutObjectAsync(key, empty, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AppendState> StartAppendAsync(string path, string key, CancellationToken cancellationToken)
    {
        var uploadId = (await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false)).UploadId;
        var state = new AppendState { UploadId = uploadId };
        try
        {
            if (await ReadAppendStateAsync(path, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new StoreConflictException($"Another append to '{path}' started at the same time.");
            }

            await WriteAppendStateAsync(path, state, cancellationToken).ConfigureAwait(false);
            return state;
        }
        catch
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    // Streams the content into parts after the committed ones, the current tail in front. Every whole part is
    // committed as it is uploaded, so an interrupted append keeps what it sent; what remains becomes a part of its own
    // when it is 5 MiB or more, else the new tail.
    private async Task<AppendState> AppendPartsAsync(string path, string key, AppendState state, Stream content, List<string> replacedTails, CancellationToken cancellationToken)
    {
        using var buffer = new PartBuffer(_partSize);
        if (state.TailKey is not null)
        {
            await LoadTailAsync(path, state, buffer, cancellationToken).ConfigureAwait(false);
        }

        var ended = false;
        while (!ended)
        {
            ended = await buffer.FillFromAsync(content, cancellationToken).ConfigureAwait(false);
            if (buffer.Count == buffer.Capacity)
            {
                state = await CommitPartAsync(path, key, state, buffer, replacedTails, cancellationToken).ConfigureAwait(false);
                buffer.Clear();
            }
        }

        if (buffer.Count >= MinimumPartSize)
        {
            return await CommitPartAsync(path, key, state, buffer, replacedTails, cancellationToken).ConfigureAwait(false);
        }

        if (buffer.Count == state.TailLength)
        {
            // Nothing was appended after the last commit.
            return state;
        }

        var tailKey = _keys.NewAppendTailKey(path);
        await PutObjectAsync(tailKey, buffer, cancellationToken).ConfigureAwait(false);
        var next = state with { Generation = state.Generation + 1, TailKey = tailKey, TailLength = buffer.Count };
        try
        {
            await CommitAsync(path, state, next, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            replacedTails.Add(tailKey);
            throw;
        }

        if (state.TailKey is not null)
        {
            replacedTails.Add(state.TailKey);
        }

        return next;
    }

    private async Task<AppendState> CommitPartAsync(string path, string key, AppendState state, PartBuffer buffer, List<string> replacedTails, CancellationToken cancellationToken)
    {
        // Checked before sending too: a part number taken by a racing append would otherwise be overwritten.
        await EnsureUnchangedAsync(path, state, cancellationToken).ConfigureAwait(false);
        var number = state.NextPartNumber;
        var etag = await UploadPartAsync(key, state.UploadId, number, buffer, cancellationToken).ConfigureAwait(false);
        var next = state with
        {
            Generation = state.Generation + 1,
            Parts = [.. state.Parts, new AppendPart(number, buffer.Count, etag)],
            TailKey = null,
            TailLength = 0,
        };
        await CommitAsync(path, state, next, cancellationToken).ConfigureAwait(false);
        if (state.TailKey is not null)
        {
            replacedTails.Add(state.TailKey);
        }

        return next;
    }

    private async Task LoadTailAsync(string path, AppendState state, PartBuffer buffer, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = state.TailKey }, cancellationToken).ConfigureAwait(false);
            if (await buffer.LoadAsync(response.ResponseStream, (int)state.TailLength, cancellationToken).ConfigureAwait(false) &&
                response.ContentLength == state.TailLength)
            {
                return;
            }
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }

        throw new StoreConflictException($"Another append to '{path}' ran at the same time.");
    }

    private async Task EnsureUnchangedAsync(string path, AppendState expected, CancellationToken cancellationToken)
    {
        var current = await ReadAppendStateAsync(path, cancellationToken).ConfigureAwait(false);
        if (current is null || current.UploadId != expected.UploadId || current.Generation != expected.Generation)
        {
            throw new StoreConflictException(current is null
                ? $"The append to '{path}' was completed or deleted while this one ran."
                : $"Another append to '{path}' ran at the same time.");
        }
    }

    // S3 has no compare-and-swap here: a state read just before the write is the check. Two appends at one offset
    // both pass it only if their commits interleave within one round trip; the parts they upload are then told
    // apart by their ETags when the upload is completed.
    private async Task CommitAsync(string path, AppendState expected, AppendState next, CancellationToken cancellationToken)
    {
        await EnsureUnchangedAsync(path, expected, cancellationToken).ConfigureAwait(false);
        await WriteAppendStateAsync(path, next, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AppendState?> ReadAppendStateAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = _keys.AppendStateKey(path) }, cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(response.ResponseStream, AppendStateJsonContext.Default.AppendState, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The append state is null.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task WriteAppendStateAsync(string path, AppendState state, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(state, AppendStateJsonContext.Default.AppendState), writable: false);
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _keys.AppendStateKey(path),
            InputStream = body,
            AutoCloseStream = false,
            UseChunkEncoding = false,
            ContentType = "application/json",
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyTailAsync(string path, string tailKey, string key, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = _bucket,
                SourceKey = tailKey,
                DestinationBucket = _bucket,
                DestinationKey = key,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new StoreConflictException($"The append to '{path}' changed while it was completed.", e);
        }
    }

    private async Task CompleteMultipartAppendAsync(string path, string key, AppendState state, CancellationToken cancellationToken)
    {
        var parts = state.Parts.Select(p => new PartETag(p.Number, p.ETag)).ToList();
        try
        {
            if (state.TailKey is not null)
            {
                // The tail is the last part, which may be small: copied server-side rather than sent again.
                var number = state.NextPartNumber;
                var copied = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _bucket,
                    SourceKey = state.TailKey,
                    DestinationBucket = _bucket,
                    DestinationKey = key,
                    UploadId = state.UploadId,
                    PartNumber = number,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(number, copied.ETag));
            }

            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = key,
                UploadId = state.UploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // Completed before by a process that stopped before cleaning up, or aborted by a delete.
            var existing = await TryGetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing?.ContentLength != state.Length)
            {
                throw new StoreConflictException($"The append to '{path}' was completed or deleted while this completion ran.", e);
            }
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "InvalidPart" or "InvalidPartOrder" or "NoSuchKey" || e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new StoreConflictException($"The append to '{path}' was changed by a concurrent append; it cannot be completed.", e);
        }
    }

    // Aborts the uploads of the appends at and under the path and deletes their private objects.
    private async Task<bool> DeleteAppendsUnderAsync(string path, CancellationToken cancellationToken)
    {
        var found = false;
        await foreach (var keys in ListKeyPagesAsync(_keys.AppendsPrefix(path), cancellationToken).ConfigureAwait(false))
        {
            foreach (var stateKey in keys.Where(S3KeyLayout.IsAppendStateKey))
            {
                var appendPath = _keys.AppendPathOfStateKey(stateKey);
                if (await ReadAppendStateAsync(appendPath, cancellationToken).ConfigureAwait(false) is { } state)
                {
                    await AbortQuietlyAsync(_keys.ObjectKey(appendPath), state.UploadId).ConfigureAwait(false);
                }

                found = true;
            }

            foreach (var batch in keys.Chunk(DeleteBatchSize))
            {
                await DeleteObjectsAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }

        return found;
    }

    // Deletes every key under the prefix, page by page; returns how many of them were store objects.
    private async Task<int> DeleteKeysUnderAsync(string prefix, CancellationToken cancellationToken)
    {
        var privatePrefix = _keys.AppendsPrefix(string.Empty);
        var deleted = 0;
        await foreach (var keys in ListKeyPagesAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            // Batches small enough that each request ends well within the timeout on services that delete key by
            // key (Swift), sent a few at a time.
            await Parallel.ForEachAsync(keys.Chunk(DeleteBatchSize), new ParallelOptions { MaxDegreeOfParallelism = ParallelDeletes, CancellationToken = cancellationToken },
                async (batch, token) => await DeleteObjectsAsync(batch, token).ConfigureAwait(false)).ConfigureAwait(false);
            deleted += keys.Count(k => !k.StartsWith(privatePrefix, StringComparison.Ordinal));
        }

        return deleted;
    }

    private async IAsyncEnumerable<List<string>> ListKeyPagesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var page = await _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _bucket,
                Prefix = prefix,
                ContinuationToken = continuation,
                MaxKeys = ListPageSize,
            }, cancellationToken).ConfigureAwait(false);
            var keys = (page.S3Objects ?? []).Select(o => o.Key).ToList();
            if (keys.Count > 0)
            {
                yield return keys;
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    private async Task DeleteObjectsAsync(string[] keys, CancellationToken cancellationToken)
    {
        if (keys.Length == 1)
        {
            await DeleteObjectAsync(keys[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = _bucket,
            Objects = keys.Select(k => new KeyVersion { Key = k }).ToList(),
            Quiet = true,
        }, cancellationToken).ConfigureAwait(false);
        if (response.DeleteErrors?.FirstOrDefault(e => e.Code != "NoSuchKey") is { } error)
        {
            throw new StoreUnavailableException($"S3 bucket '{_bucket}' refused to delete '{error.Key}': {error.Code} {error.Message}");
        }
    }

    private async Task DeleteObjectAsync(string key, CancellationToken cancellationToken) =>
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);

    // Clean-up that must not turn a result into a failure, nor be skipped because the caller gave up.
    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload" || e.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            S3BlobStoreLog.CleanupFailed(_logger, e, _bucket, key);
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            // Best-effort cleanup (an append's lock, which expires anyway): never let it delay the answer to a
            // client whose request already failed because storage stopped answering.
            using var timeout = new CancellationTokenSource(TimeSpan.FromTicks(Math.Min(_timeout.Ticks, CleanupTimeout.Ticks)));
            await DeleteObjectAsync(key, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            S3BlobStoreLog.CleanupFailed(_logger, e, _bucket, key);
        }
    }

    // A listed name is a store entry only if a store path could name it: this leaves out the driver's own folder and
    // anything else a store path cannot reach (an empty name from a key with "//", for one).
    private static bool IsStoreName(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            StorePath.Validate(name);
            return true;
        }
        catch (InvalidStorePathException)
        {
            return false;
        }
    }

    private static DateTimeOffset ToDateTimeOffset(DateTime? value) => value switch
    {
        null => DateTimeOffset.UnixEpoch,
        { Kind: DateTimeKind.Unspecified } unspecified => new DateTimeOffset(unspecified, TimeSpan.Zero),
        { } known => new DateTimeOffset(known.ToUniversalTime(), TimeSpan.Zero),
    };
}
