using OciRegistry.Content;
using OciRegistry.Errors;
using OciRegistry.Storage;

namespace OciRegistry.Engine.Blobs;

/// <summary>Blobs of a repository: existence, reading, linking (mounts) and unlinking.</summary>
/// <remarks>
/// A blob's bytes are stored once for the whole registry; a repository owns a blob through a link file.
/// Deleting a blob from a repository removes only the link; the bytes go when garbage collection finds no
/// link and no manifest that needs them.
/// </remarks>
internal sealed class BlobService(IBlobStore store, LinkFiles links)
{
    /// <summary>Size of a blob of the repository, or <c>null</c> when the repository has no such blob.</summary>
    public async Task<long?> GetLengthAsync(RepositoryName name, Digest digest, CancellationToken cancellationToken)
    {
        if (!await links.ExistsAsync(RegistryLayout.LayerLink(name, digest), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var info = await store.GetInfoAsync(RegistryLayout.BlobData(digest), cancellationToken).ConfigureAwait(false);
        return info?.Length;
    }

    /// <summary>Opens a blob of the repository for reading.</summary>
    public async Task<Stream> OpenReadAsync(Digest digest, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            return await store.OpenReadAsync(RegistryLayout.BlobData(digest), offset, length, cancellationToken).ConfigureAwait(false);
        }
        catch (StorePathNotFoundException)
        {
            throw new OciRegistryException(OciErrorCode.BlobUnknown, detail: new { digest = digest.ToString() });
        }
    }

    /// <summary>A direct download URL for the blob, when the driver offers one.</summary>
    public Task<Uri?> GetDownloadUriAsync(Digest digest, TimeSpan lifetime, CancellationToken cancellationToken) =>
        store.GetDownloadUriAsync(RegistryLayout.BlobData(digest), lifetime, cancellationToken);

    /// <summary>Removes a blob from the repository.</summary>
    public async Task DeleteAsync(RepositoryName name, Digest digest, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(RegistryLayout.LayerDirectory(name, digest), cancellationToken).ConfigureAwait(false))
        {
            throw new OciRegistryException(OciErrorCode.BlobUnknown, detail: new { digest = digest.ToString() });
        }
    }

    /// <summary>
    /// Links an existing blob into <paramref name="name"/> without uploading it again. With a source repository,
    /// the blob must belong to it; without one, any stored blob qualifies.
    /// </summary>
    /// <returns><c>true</c> when the blob is now part of <paramref name="name"/>.</returns>
    public async Task<bool> TryMountAsync(RepositoryName name, Digest digest, RepositoryName? from, CancellationToken cancellationToken)
    {
        if (from is { } source && !await links.ExistsAsync(RegistryLayout.LayerLink(source, digest), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (await store.GetInfoAsync(RegistryLayout.BlobData(digest), cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        await LinkAsync(name, digest, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Makes a stored blob part of the repository.</summary>
    public Task LinkAsync(RepositoryName name, Digest digest, CancellationToken cancellationToken) =>
        links.WriteAsync(RegistryLayout.LayerLink(name, digest), digest, cancellationToken);
}
