using System.Globalization;
using System.Text;
using OciRegistry.Content;
using OciRegistry.Errors;
using OciRegistry.Hashing;
using OciRegistry.Storage;
using OciRegistry.Telemetry;

namespace OciRegistry.Engine.Uploads;

/// <summary>
/// Blob uploads: started, appended to in chunks, verified against the client's digest, and only then moved
/// into the content-addressed blob store. All progress lives in storage, so any instance can continue an
/// upload; a failed verification deletes the upload and nothing becomes visible.
/// </summary>
internal sealed class UploadService(IBlobStore store, LinkFiles links, UploadHashCache hashes, TimeProvider time, RegistryMetrics metrics)
{
    // A busy upload is mostly a chunk whose sender gave up on it (a timeout, a killed instance): a few seconds.
    private const int BusyRetryAfterSeconds = 5;

    // The running hash is kept in storage only for uploads of at least this many bytes, for another instance (or this
    // one after a restart) to continue from. Below it, reading the bytes back to hash them at completion costs less
    // than the state's write and delete on every chunk: a few milliseconds of hashing against two or three storage
    // operations, each a file created or an object request. Most layers and every config and manifest of a push
    // are below it.
    internal const int SavedHashStateMinimum = 1024 * 1024;

    // A request that finds its upload held by a completion looks again this many times, this far apart: a completion's
    // remaining steps (a move, a link, a delete) take a few storage requests.
    private const int Looks = 5;
    private static readonly TimeSpan LookDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Starts an upload and returns its id.</summary>
    public async Task<string> StartAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("D");
        var startedAt = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(startedAt));
        // Lost in a crash, the upload is unknown and its client starts it again.
        await store.WriteTransientAsync(RegistryLayout.UploadStartedAt(name, id), content, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>How many bytes the upload holds.</summary>
    /// <exception cref="OciRegistryException">BLOB_UPLOAD_UNKNOWN when no such upload exists.</exception>
    public async Task<long> GetOffsetAsync(RepositoryName name, string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id) ||
            await store.GetInfoAsync(RegistryLayout.UploadStartedAt(name, id), cancellationToken).ConfigureAwait(false) is null)
        {
            throw new OciRegistryException(OciErrorCode.BlobUploadUnknown);
        }

        var data = RegistryLayout.UploadData(name, id);
        return await store.GetAppendedLengthAsync(data, cancellationToken).ConfigureAwait(false)
            ?? (await store.GetInfoAsync(data, cancellationToken).ConfigureAwait(false))?.Length // completed, but not yet moved (an interrupted PUT)
            ?? 0;
    }

    /// <summary>Appends a chunk at <paramref name="offset"/>, which must be the upload's current length.</summary>
    /// <returns>The upload's new length.</returns>
    public async Task<long> AppendAsync(RepositoryName name, string id, long offset, Stream chunk, CancellationToken cancellationToken)
    {
        var key = CacheKey(name, id);
        var hash = await FindHashAsync(name, id, offset, cancellationToken).ConfigureAwait(false)
            ?? (offset == 0 ? ResumableSha256.TryCreate() : null);
        var hashing = new HashingReadStream(chunk, hash);
        long length;
        try
        {
            length = await store.AppendAsync(RegistryLayout.UploadData(name, id), offset, hashing, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            throw await RefusedChunkAsync(name, id, offset, cancellationToken).ConfigureAwait(false);
        }

        metrics.BytesReceived(length - offset);
        if (hash is not null && hash.Length == length)
        {
            if (length >= SavedHashStateMinimum)
            {
                using var state = new MemoryStream(hash.SaveState());
                // Lost in a crash, the hash is computed again from the bytes at completion.
                await store.WriteTransientAsync(RegistryLayout.UploadHashState(name, id, length), state, cancellationToken).ConfigureAwait(false);
                if (offset != length && offset >= SavedHashStateMinimum)
                {
                    await store.DeleteAsync(RegistryLayout.UploadHashState(name, id, offset), cancellationToken).ConfigureAwait(false);
                }
            }

            hashes.Put(key, hash);
        }

        return length;
    }

    /// <summary>
    /// Finishes an upload: verifies its bytes against <paramref name="expected"/>, stores the blob under its
    /// digest and links it into the repository. On a mismatch the upload is deleted and DIGEST_INVALID thrown.
    /// </summary>
    /// <remarks>
    /// Requests completing one upload at once (a client retrying a PUT whose first attempt still runs, two instances
    /// behind a router) find its bytes sealed, moved or deleted by another. Such a request looks again: when the blob is
    /// then linked in the repository it succeeds as the other did; when the upload is gone without it, BLOB_UPLOAD_UNKNOWN;
    /// when a chunk still holds the upload, UNAVAILABLE (retry later).
    /// </remarks>
    public async Task CompleteAsync(RepositoryName name, string id, Digest expected, CancellationToken cancellationToken)
    {
        using var activity = RegistryMetrics.Activities.StartActivity("CompleteUpload");
        activity?.SetTag("oci.repository", name.Value);
        activity?.SetTag("oci.digest", expected.ToString());
        for (var attempt = 1; ; attempt++)
        {
            var lastAttempt = attempt == Looks;
            try
            {
                await CommitAsync(name, id, expected, lastAttempt, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (IsValidId(id) &&
                (e is StorePathNotFoundException or StoreConflictException || (e as OciRegistryException)?.Code == OciErrorCode.BlobUploadUnknown))
            {
                // Linked in this repository only: a digest alone proves no right to read a blob another repository holds.
                if (await IsLinkedAsync(name, expected, cancellationToken).ConfigureAwait(false))
                {
                    await store.DeleteAsync(RegistryLayout.Upload(name, id), cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (e is OciRegistryException)
                {
                    throw;
                }

                if (lastAttempt)
                {
                    throw Busy(await GetOffsetAsync(name, id, cancellationToken).ConfigureAwait(false));
                }
            }

            await Task.Delay(LookDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(RepositoryName name, string id, Digest expected, bool lastAttempt, CancellationToken cancellationToken)
    {
        var length = await GetOffsetAsync(name, id, cancellationToken).ConfigureAwait(false);
        var data = RegistryLayout.UploadData(name, id);
        var hash = expected.Algorithm == DigestAlgorithm.Sha256
            ? await FindHashAsync(name, id, length, cancellationToken).ConfigureAwait(false)
            : null;
        if (await store.GetAppendedLengthAsync(data, cancellationToken).ConfigureAwait(false) is not null)
        {
            await store.CompleteAppendAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else if (await store.GetInfoAsync(data, cancellationToken).ConfigureAwait(false) is null)
        {
            // Nothing was ever appended: an empty blob. (An existing object is a completion a crashed PUT left behind.)
            // Unless bytes were counted, or the client names a digest of some: then another request completing this
            // upload may just have moved them, and an empty object written now could be moved to that digest's address.
            if (length != 0 || (!lastAttempt && expected != Digest.Compute([], expected.Algorithm)))
            {
                throw new StorePathNotFoundException(data);
            }

            await store.AppendAsync(data, 0, Stream.Null, cancellationToken).ConfigureAwait(false);
            await store.CompleteAppendAsync(data, cancellationToken).ConfigureAwait(false);
        }
        Digest actual;
        if (hash is not null)
        {
            actual = hash.GetDigest();
        }
        else
        {
            // No saved hash state (a chunk was cut off mid-way, or no libcrypto), or the client asked for sha512: read it back once.
            await using var content = await store.OpenReadAsync(data, 0, null, cancellationToken).ConfigureAwait(false);
            actual = await Digest.ComputeAsync(content, expected.Algorithm, cancellationToken).ConfigureAwait(false);
        }

        if (actual != expected)
        {
            await CancelAsync(name, id, cancellationToken).ConfigureAwait(false);
            throw new OciRegistryException(OciErrorCode.DigestInvalid,
                $"the uploaded content has digest {actual}, not {expected}",
                new { expected = expected.ToString(), actual = actual.ToString() });
        }

        var blob = RegistryLayout.BlobData(expected);
        if (await store.GetInfoAsync(blob, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.MoveAsync(data, blob, cancellationToken).ConfigureAwait(false);
        }

        // The link is written after the bytes are in place: a repository never points at a missing blob.
        await links.WriteAsync(RegistryLayout.LayerLink(name, expected), expected, cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(RegistryLayout.Upload(name, id), cancellationToken).ConfigureAwait(false);
        metrics.BlobCommitted();
    }

    /// <summary>Uploads a whole blob in one request (POST with <c>?digest=</c>).</summary>
    public async Task UploadAsync(RepositoryName name, Digest expected, Stream content, CancellationToken cancellationToken)
    {
        var id = await StartAsync(name, cancellationToken).ConfigureAwait(false);
        try
        {
            await AppendAsync(name, id, 0, content, cancellationToken).ConfigureAwait(false);
            await CompleteAsync(name, id, expected, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DeleteAsync(RegistryLayout.Upload(name, id), CancellationToken.None).ConfigureAwait(false);
            hashes.Remove(CacheKey(name, id));
            throw;
        }
    }

    /// <summary>Cancels an upload and deletes what it received.</summary>
    public async Task CancelAsync(RepositoryName name, string id, CancellationToken cancellationToken)
    {
        await GetOffsetAsync(name, id, cancellationToken).ConfigureAwait(false);
        hashes.Remove(CacheKey(name, id));
        await store.DeleteAsync(RegistryLayout.Upload(name, id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The error for a chunk that does not start where the upload ends.</summary>
    public static OciRegistryException OutOfOrder(long currentLength) =>
        new(OciErrorCode.RangeInvalid, $"the upload holds {currentLength} bytes; the next chunk must start there")
        {
            Headers = new Dictionary<string, string> { ["Range"] = FormatRange(currentLength) },
        };

    /// <summary>The error for a chunk that starts at the right place while another append to the upload is running.</summary>
    public static OciRegistryException Busy(long currentLength) =>
        new(OciErrorCode.Unavailable, "another request is appending to this upload; send the chunk again shortly")
        {
            Headers = new Dictionary<string, string>
            {
                ["Range"] = FormatRange(currentLength),
                ["Retry-After"] = BusyRetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
            },
        };

    /// <summary>The <c>Range</c> header value for an upload of <paramref name="length"/> bytes.</summary>
    public static string FormatRange(long length) =>
        string.Create(CultureInfo.InvariantCulture, $"0-{Math.Max(0, length - 1)}");

    /// <summary>
    /// The answer to a chunk the store refused although the upload ended where it starts. Another append to the upload
    /// is running, or one whose process was killed still holds it for a few seconds (S3): busy, the client may send the
    /// chunk again. Or a PUT is completing the upload, which takes moments: looked at again, the upload is then gone
    /// (BLOB_UPLOAD_UNKNOWN), or has grown (the range it holds).
    /// </summary>
    private async Task<OciRegistryException> RefusedChunkAsync(RepositoryName name, string id, long offset, CancellationToken cancellationToken)
    {
        for (var look = 1; ; look++)
        {
            var current = await GetOffsetAsync(name, id, cancellationToken).ConfigureAwait(false);
            if (current != offset)
            {
                return OutOfOrder(current);
            }

            if (look == Looks)
            {
                return Busy(current);
            }

            await Task.Delay(LookDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The running hash after <paramref name="offset"/> bytes: from this instance's cache, else from storage.</summary>
    private async Task<ResumableSha256?> FindHashAsync(RepositoryName name, string id, long offset, CancellationToken cancellationToken)
    {
        if (hashes.Take(CacheKey(name, id), offset) is { } cached)
        {
            return cached;
        }

        try
        {
            await using var stream = await store.OpenReadAsync(RegistryLayout.UploadHashState(name, id, offset), 0, 1024, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return ResumableSha256.TryRestore(buffer.ToArray()) is { } restored && restored.Length == offset ? restored : null;
        }
        catch (StorePathNotFoundException)
        {
            return null;
        }
    }

    private async Task<bool> IsLinkedAsync(RepositoryName name, Digest digest, CancellationToken cancellationToken) =>
        await links.ExistsAsync(RegistryLayout.LayerLink(name, digest), cancellationToken).ConfigureAwait(false) &&
        await store.GetInfoAsync(RegistryLayout.BlobData(digest), cancellationToken).ConfigureAwait(false) is not null;

    private static bool IsValidId(string id) => Guid.TryParseExact(id, "D", out _);

    private static string CacheKey(RepositoryName name, string id) => name.Value + "@" + id;
}
