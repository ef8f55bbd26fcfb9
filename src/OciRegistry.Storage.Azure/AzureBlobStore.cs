using System.Buffers;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OciRegistry.Storage.Azure;

/// <summary>
/// <see cref="IBlobStore"/> on an Azure Blob Storage container (or Azurite). Store paths are blob names under
/// <see cref="AzureBlobStoreOptions.RootDirectory"/>, the layout of the Go registry's Azure driver.
/// </summary>
/// <remarks>
/// <para>Writes are cut into blocks of <see cref="AzureBlobStoreOptions.BlockSizeMiB"/>; only one block is in
/// memory at a time. A write that fits one block is a single Put Blob; a longer one stages its blocks and commits
/// the block list, which makes the whole blob visible at once.</para>
/// <para>An append stages its blocks, uncommitted and so invisible, on the target blob itself. Which blocks make
/// up the append is recorded in a small state blob under <c>~oci-appends/</c> (a name no store path can take),
/// replaced with an ETag condition after each append call: any instance can continue from that state, an append
/// at a stale offset or racing another one is refused, and completing commits the recorded blocks in one step,
/// without copying a byte.</para>
/// </remarks>
public sealed partial class AzureBlobStore : IBlobStore
{
    private const string AppendsFolder = "~oci-appends";
    private const string InvalidBlockList = "InvalidBlockList";
    private const int DeleteParallelism = 8;
    private const int MoveAttempts = 3;
    private static readonly TimeSpan CopyPollInterval = TimeSpan.FromMilliseconds(200);

    private readonly BlobContainerClient _container;
    private readonly string _root;
    private readonly string _appendsRoot;
    private readonly int _blockSize;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _readStallLimit;
    private volatile bool _containerReady;

    /// <summary>Creates the driver on the account and container named by <paramref name="options"/> (no I/O yet).</summary>
    /// <param name="options">The driver's settings.</param>
    /// <param name="timeProvider">The clock for download URL expiry; the system clock when <c>null</c>.</param>
    /// <param name="logger">Where the driver logs; nowhere when <c>null</c>.</param>
    public AzureBlobStore(IOptions<AzureBlobStoreOptions> options, TimeProvider? timeProvider = null, ILogger<AzureBlobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _container = AzureBlobClientFactory.CreateContainerClient(settings);
        _root = AzureBlobClientFactory.RootPrefix(settings.RootDirectory);
        _appendsRoot = _root + AppendsFolder + "/";
        _blockSize = settings.BlockSizeMiB << 20;

        // The SDK's download stream restarts a stalled download MaxRetries times, each with its own retries: bound a
        // single read to what one operation is documented to take.
        _readStallLimit = settings.Timeout * (settings.MaxRetries + 1);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The container's name.</summary>
    public string ContainerName => _container.Name;

    /// <summary>The prefix of every blob name the driver uses: empty, or the root directory followed by <c>/</c>.</summary>
    public string RootPrefix => _root;

    /// <inheritdoc />
    public Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(ObjectName(path));
        return CallAsync<BlobInfo?>(async token =>
        {
            try
            {
                var properties = (await blob.GetPropertiesAsync(cancellationToken: token).ConfigureAwait(false)).Value;
                return new BlobInfo(path, properties.ContentLength, properties.LastModified, properties.ETag.ToString());
            }
            catch (RequestFailedException e) when (AzureFailures.IsNotFound(e))
            {
                return null;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(ObjectName(path));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(length));
        }

        return CallAsync<Stream>(async token =>
        {
            try
            {
                if (length == 0)
                {
                    // An empty range cannot be asked for; only whether the object exists matters.
                    await blob.GetPropertiesAsync(cancellationToken: token).ConfigureAwait(false);
                    return new MemoryStream([], writable: false);
                }

                var range = offset == 0 && length is null
                    ? default
                    : new HttpRange(offset, length is { } limit && limit <= long.MaxValue - offset ? limit : null);
                var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = range }, token).ConfigureAwait(false);
                return new AzureReadStream(download.Value.Content, _readStallLimit);
            }
            catch (RequestFailedException e) when (AzureFailures.IsNotFound(e))
            {
                throw new StorePathNotFoundException(path);
            }
            catch (RequestFailedException e) when (e.Status == 416)
            {
                // The range starts at or past the end of an existing object.
                return new MemoryStream([], writable: false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlockBlobClient(ObjectName(path));
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(_blockSize);
        try
        {
            var filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            if (filled < _blockSize)
            {
                // All of it fits one block: one Put Blob, atomic by itself.
                await CallAsync(token => blob.UploadAsync(new MemoryStream(buffer, 0, filled, writable: false), new BlobUploadOptions(), token), cancellationToken).ConfigureAwait(false);
                return;
            }

            var versionBefore = await VersionAsync(blob, cancellationToken).ConfigureAwait(false);
            var writer = BlockIds.NewToken();
            var blockIds = new List<string>();
            while (filled > 0)
            {
                var blockId = BlockIds.For(writer, blockIds.Count);
                await StageAsync(blob, blockId, buffer, filled, cancellationToken).ConfigureAwait(false);
                blockIds.Add(blockId);
                filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            }

            await CallAsync(async token =>
            {
                try
                {
                    await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions(), token).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.ErrorCode == InvalidBlockList)
                {
                    // Another write (or a delete) of this blob committed while ours staged its blocks, and Azure
                    // dropped our uncommitted blocks. That write came last: ours counts as overwritten by it.
                    if (await VersionAsync(blob, token).ConfigureAwait(false) == versionBefore)
                    {
                        throw new StoreConflictException($"The blocks written to '{path}' were dropped, but the object did not change.", e);
                    }

                    LogWriteSuperseded(_logger, path);
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default)
    {
        var target = _container.GetBlockBlobClient(ObjectName(path));
        var stateBlob = _container.GetBlobClient(StateName(path));
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        var (state, version) = await ReadStateAsync(stateBlob, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            if (offset != 0)
            {
                throw new StoreConflictException($"Append to '{path}' at offset {offset}, but no append was started there.");
            }

            state = AppendState.Empty();
        }
        else if (state.IsSealed)
        {
            throw new StoreConflictException($"The append at '{path}' is being completed.");
        }
        else if (state.Length != offset)
        {
            throw new StoreConflictException($"Append to '{path}' at offset {offset}, but its length is {state.Length}.");
        }

        var appender = BlockIds.NewToken();
        var blocks = 0;
        long appended = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(_blockSize);
        try
        {
            while (true)
            {
                var filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    break;
                }

                await StageAsync(target, BlockIds.For(appender, blocks), buffer, filled, cancellationToken).ConfigureAwait(false);
                blocks++;
                appended += filled;
                if (filled < _blockSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (blocks == 0 && version is not null)
        {
            return offset;
        }

        state.Add(new AppendState.Segment(appender, blocks, appended));
        await WriteStateAsync(stateBlob, state, version, path, cancellationToken).ConfigureAwait(false);
        return offset + appended;
    }

    /// <inheritdoc />
    public async Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default)
    {
        var stateBlob = _container.GetBlobClient(StateName(path));
        var (state, _) = await ReadStateAsync(stateBlob, cancellationToken).ConfigureAwait(false);
        return state?.Length;
    }

    /// <inheritdoc />
    public async Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = _container.GetBlockBlobClient(ObjectName(path));
        var stateBlob = _container.GetBlobClient(StateName(path));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        var (state, version) = await ReadStateAsync(stateBlob, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            throw new StorePathNotFoundException(path);
        }

        if (!state.IsSealed)
        {
            // Sealing first makes a racing append fail on its ETag condition instead of losing its bytes after
            // the commit below. A completion that died after this point is finished by the next call.
            state.Seal();
            version = await WriteStateAsync(stateBlob, state, version, path, cancellationToken).ConfigureAwait(false);
        }

        var blockIds = state.AllBlockIds().ToList();
        await CallAsync(async token =>
        {
            try
            {
                await target.CommitBlockListAsync(blockIds, new CommitBlockListOptions(), token).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == InvalidBlockList)
            {
                throw new StoreConflictException($"The blocks appended to '{path}' were dropped by a write or delete of that path.", e);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

        await DeleteBlobAsync(stateBlob.Name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorePath.Validate(directoryPath, allowRoot: true);
        var prefix = directoryPath.Length == 0 ? _root : _root + directoryPath + "/";
        var items = _container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = prefix }, cancellationToken);
        await foreach (var item in ReadAllAsync(items, cancellationToken).ConfigureAwait(false))
        {
            if (!item.IsPrefix)
            {
                yield return new StoreEntry(item.Blob.Name[_root.Length..], IsDirectory: false);
            }
            else if (item.Prefix != _appendsRoot)
            {
                yield return new StoreEntry(item.Prefix[_root.Length..^1], IsDirectory: true);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        StorePath.Validate(path, allowRoot: true);
        var deleted = false;

        // Unfinished appends first: their blocks are uncommitted, and a blob that has only uncommitted blocks
        // cannot be deleted on Azure. Committing an empty block list drops them; the empty blob then goes.
        var appendStates = path.Length == 0
            ? ListNamesAsync(_appendsRoot, cancellationToken)
            : ExactAndUnderAsync(_appendsRoot + path, cancellationToken);
        await foreach (var stateName in appendStates.ConfigureAwait(false))
        {
            var target = _container.GetBlockBlobClient(_root + stateName[_appendsRoot.Length..]);
            await CallAsync(token => target.CommitBlockListAsync([], new CommitBlockListOptions(), token), cancellationToken).ConfigureAwait(false);
            await DeleteBlobAsync(target.Name, null, cancellationToken).ConfigureAwait(false);
            deleted |= await DeleteBlobAsync(stateName, null, cancellationToken).ConfigureAwait(false);
        }

        var objects = path.Length == 0 ? ListNamesAsync(_root, cancellationToken) : ExactAndUnderAsync(_root + path, cancellationToken);
        var deletedObjects = 0;
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = DeleteParallelism, CancellationToken = cancellationToken }, async (name, token) =>
        {
            if (await DeleteBlobAsync(name, null, token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref deletedObjects);
            }
        }).ConfigureAwait(false);

        return deleted || deletedObjects > 0;
    }

    /// <inheritdoc />
    public async Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default)
    {
        var source = _container.GetBlobClient(ObjectName(sourcePath));
        var destination = _container.GetBlobClient(ObjectName(destinationPath));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        // Attempts that found the source changed; waiting for another copy onto the destination is not one.
        var attempts = 0;
        while (true)
        {
            var version = await VersionAsync(source, cancellationToken).ConfigureAwait(false) ?? throw new StorePathNotFoundException(sourcePath);
            if (sourcePath == destinationPath)
            {
                return;
            }

            // A server-side copy: the bytes never pass through the registry. Within one account a block blob copy
            // is usually done when the call returns; otherwise it is polled until it is.
            var copied = await CallAsync(async token =>
            {
                try
                {
                    var copy = await destination.StartCopyFromUriAsync(source.Uri, new BlobCopyFromUriOptions
                    {
                        SourceConditions = new BlobRequestConditions { IfMatch = version },
                    }, token).ConfigureAwait(false);
                    await WaitForCopyAsync(destination, copy, destinationPath, token).ConfigureAwait(false);
                    return (bool?)true;
                }
                catch (RequestFailedException e) when (AzureFailures.IsNotFound(e) || AzureFailures.IsConditionFailed(e))
                {
                    // The source was deleted or rewritten since it was looked at.
                    return (bool?)false;
                }
                catch (RequestFailedException e) when (AzureFailures.IsPendingCopy(e))
                {
                    // Another move onto the destination is still copying: this one goes after it.
                    await Task.Delay(CopyPollInterval, _time, token).ConfigureAwait(false);
                    return (bool?)null;
                }
            }, cancellationToken).ConfigureAwait(false);

            if (copied is null)
            {
                continue;
            }

            if (copied.Value)
            {
                // Only the object that was copied goes: a source rewritten meanwhile stays.
                await DeleteBlobAsync(source.Name, version, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (++attempts == MoveAttempts)
            {
                throw new StoreConflictException($"'{sourcePath}' kept changing while it was moved to '{destinationPath}'.");
            }
        }
    }

    // The client library's own polling reads the copy's result after a concurrent copy onto the same destination
    // (two pushes of one blob committing at once) took the destination over, and fails. Polled here instead: the
    // copy is over when the destination says it succeeded, or when a later write or copy replaced it, which is what
    // "replacing any object there" allows of two moves in a row.
    private async Task WaitForCopyAsync(BlobClient destination, CopyFromUriOperation copy, string destinationPath, CancellationToken cancellationToken)
    {
        var started = copy.GetRawResponse().Headers.TryGetValue("x-ms-copy-status", out var status) ? status : null;
        while (!string.Equals(started, "success", StringComparison.OrdinalIgnoreCase))
        {
            BlobProperties properties;
            try
            {
                properties = (await destination.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (AzureFailures.IsNotFound(e))
            {
                // Deleted after the copy: it was there, the move is over.
                return;
            }

            if (properties.CopyId != copy.Id || properties.CopyStatus == CopyStatus.Success)
            {
                return;
            }

            if (properties.CopyStatus != CopyStatus.Pending)
            {
                throw new StoreUnavailableException(
                    $"The copy to '{destinationPath}' ended {properties.CopyStatus}: {properties.CopyStatusDescription}");
            }

            await Task.Delay(CopyPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(ObjectName(path));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();

        // A SAS needs the account key; a client signed in with a token (or a SAS of its own) offers no URL and the
        // registry streams the bytes itself.
        if (!blob.CanGenerateSasUri)
        {
            return Task.FromResult<Uri?>(null);
        }

        return Task.FromResult<Uri?>(blob.GenerateSasUri(BlobSasPermissions.Read, _time.GetUtcNow().Add(lifetime)));
    }

    /// <summary>Whether the container answers; <c>false</c> when it does not exist yet (it is created at first write).</summary>
    /// <exception cref="StoreUnavailableException">The service did not answer.</exception>
    internal Task<bool> ContainerExistsAsync(CancellationToken cancellationToken) =>
        CallAsync(async token => (await _container.ExistsAsync(token).ConfigureAwait(false)).Value, cancellationToken);

    private string ObjectName(string path)
    {
        StorePath.Validate(path);
        return _root + path;
    }

    private string StateName(string path)
    {
        StorePath.Validate(path);
        return _appendsRoot + path;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }

        await CallAsync(async token =>
        {
            try
            {
                if (await _container.CreateIfNotExistsAsync(cancellationToken: token).ConfigureAwait(false) is not null)
                {
                    LogContainerCreated(_logger, _container.Name);
                }
            }
            catch (RequestFailedException e) when (e.Status == 403)
            {
                // Credentials scoped to the container (a container SAS, a role on the container) may not create
                // it; it must exist then, and the operation itself says so when it does not.
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        _containerReady = true;
    }

    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken) =>
        await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);

    private Task<Response<BlockInfo>> StageAsync(BlockBlobClient blob, string blockId, byte[] buffer, int count, CancellationToken cancellationToken) =>
        CallAsync(token => blob.StageBlockAsync(blockId, new MemoryStream(buffer, 0, count, writable: false), new BlockBlobStageBlockOptions(), token), cancellationToken);

    private Task<ETag?> VersionAsync(BlobBaseClient blob, CancellationToken cancellationToken) =>
        CallAsync<ETag?>(async token =>
        {
            try
            {
                return (await blob.GetPropertiesAsync(cancellationToken: token).ConfigureAwait(false)).Value.ETag;
            }
            catch (RequestFailedException e) when (AzureFailures.IsNotFound(e))
            {
                return null;
            }
        }, cancellationToken);

    private Task<(AppendState? State, ETag? Version)> ReadStateAsync(BlobClient stateBlob, CancellationToken cancellationToken) =>
        CallAsync<(AppendState?, ETag?)>(async token =>
        {
            BlobDownloadResult download;
            try
            {
                download = (await stateBlob.DownloadContentAsync(token).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (AzureFailures.IsNotFound(e))
            {
                return (null, null);
            }

            try
            {
                return (AppendState.Parse(download.Content), download.Details.ETag);
            }
            catch (FormatException e)
            {
                throw new StoreUnavailableException($"The append state '{stateBlob.Name}' is unreadable: {e.Message}", e);
            }
        }, cancellationToken);

    /// <returns>The state blob's new ETag.</returns>
    private Task<ETag> WriteStateAsync(BlobClient stateBlob, AppendState state, ETag? expected, string path, CancellationToken cancellationToken) =>
        CallAsync(async token =>
        {
            var conditions = expected is { } version ? new BlobRequestConditions { IfMatch = version } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                var written = await stateBlob.UploadAsync(state.Serialize(), new BlobUploadOptions { Conditions = conditions }, token).ConfigureAwait(false);
                return written.Value.ETag;
            }
            catch (RequestFailedException e) when (AzureFailures.IsConditionFailed(e))
            {
                throw new StoreConflictException($"Another append to '{path}' ran at the same time, or it was completed or deleted.", e);
            }
        }, cancellationToken);

    /// <returns><c>true</c> when the blob existed (and had the expected version, when one is given).</returns>
    private Task<bool> DeleteBlobAsync(string name, ETag? expected, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(name);
        return CallAsync(async token =>
        {
            try
            {
                var conditions = expected is { } version ? new BlobRequestConditions { IfMatch = version } : null;
                return (await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, token).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (AzureFailures.IsConditionFailed(e) || AzureFailures.IsContainerNotFound(e))
            {
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>The blob named <paramref name="name"/>, when it exists, and every blob under <c>name/</c>.</summary>
    private async IAsyncEnumerable<string> ExactAndUnderAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await VersionAsync(_container.GetBlobClient(name), cancellationToken).ConfigureAwait(false) is not null)
        {
            yield return name;
        }

        await foreach (var under in ListNamesAsync(name + "/", cancellationToken).ConfigureAwait(false))
        {
            yield return under;
        }
    }

    /// <summary>Every (committed) blob whose name starts with <paramref name="prefix"/>.</summary>
    private async IAsyncEnumerable<string> ListNamesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken);
        await foreach (var item in ReadAllAsync(items, cancellationToken).ConfigureAwait(false))
        {
            yield return item.Name;
        }
    }

    /// <summary>
    /// The items of a listing, page by page as the caller goes; a missing container lists nothing, and failures of
    /// the service become <see cref="StoreUnavailableException"/>.
    /// </summary>
    private static async IAsyncEnumerable<T> ReadAllAsync<T>(AsyncPageable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : notnull
    {
        var enumerator = items.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (AzureFailures.IsContainerNotFound(e))
                {
                    yield break;
                }
                catch (Exception e) when (AzureFailures.IsUnavailable(e, cancellationToken))
                {
                    throw AzureFailures.Unavailable(e);
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    /// <summary>
    /// Runs one exchange with the service, turning its failures into <see cref="StoreUnavailableException"/>. When the
    /// container has gone (deleted behind the driver's back, or an emulator restarted empty), it is created again
    /// and the exchange, which did nothing, is tried once more.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (AzureFailures.IsContainerNotFound(e) && attempt == 1)
            {
                _containerReady = false;
            }
            catch (Exception e) when (AzureFailures.IsUnavailable(e, cancellationToken))
            {
                throw AzureFailures.Unavailable(e);
            }

            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created the blob container {Container}.")]
    private static partial void LogContainerCreated(ILogger logger, string container);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "A concurrent write of {Path} committed first; this write counts as overwritten by it.")]
    private static partial void LogWriteSuperseded(ILogger logger, string path);
}
