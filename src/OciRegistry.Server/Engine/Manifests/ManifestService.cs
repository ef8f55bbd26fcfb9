using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine.Referrers;
using OciRegistry.Errors;
using OciRegistry.Storage;
using OciRegistry.Telemetry;

namespace OciRegistry.Engine.Manifests;

/// <summary>
/// Manifests of a repository: stored as blobs under their digest (the exact bytes the client sent), linked as
/// revisions of the repository, named by tags. A manifest is checked before anything is written: it must parse,
/// and every blob and child manifest it references must already be in the repository.
/// </summary>
internal sealed class ManifestService(IBlobStore store, LinkFiles links, ReferrerService referrers, IOptions<OciRegistryOptions> options, RegistryMetrics metrics)
{
    /// <summary>Finds a manifest by tag or digest.</summary>
    /// <exception cref="OciRegistryException">MANIFEST_UNKNOWN when the repository has no such manifest.</exception>
    public async Task<StoredManifest> GetAsync(RepositoryName name, ManifestReference reference, CancellationToken cancellationToken)
    {
        var digest = reference.Digest
            ?? await links.ReadAsync(RegistryLayout.TagCurrentLink(name, reference.Tag!.Value), cancellationToken).ConfigureAwait(false)
            ?? throw Unknown(reference);

        return await GetByDigestAsync(name, digest, cancellationToken).ConfigureAwait(false) ?? throw Unknown(reference);
    }

    /// <summary>Reads a manifest of the repository by digest, or <c>null</c> when it has none.</summary>
    public async Task<StoredManifest?> GetByDigestAsync(RepositoryName name, Digest digest, CancellationToken cancellationToken)
    {
        if (!await links.ExistsAsync(RegistryLayout.ManifestRevisionLink(name, digest), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var content = await ReadContentAsync(digest, cancellationToken).ConfigureAwait(false);
        return content is null ? null : new StoredManifest(digest, ManifestDocument.ReadMediaType(content.Value.Span), content.Value);
    }

    /// <summary>Validates and stores a manifest, then points the tag at it (when the reference is a tag).</summary>
    public async Task<ManifestPutResult> PutAsync(RepositoryName name, ManifestReference reference, string? contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var activity = RegistryMetrics.Activities.StartActivity("PutManifest");
        activity?.SetTag("oci.repository", name.Value);
        var digest = Digest.Compute(content.Span, reference.Digest?.Algorithm ?? DigestAlgorithm.Sha256);
        activity?.SetTag("oci.digest", digest.ToString());
        if (reference.Digest is { } expected && expected != digest)
        {
            throw new OciRegistryException(OciErrorCode.DigestInvalid,
                $"the manifest has digest {digest}, not {expected}", new { expected = expected.ToString(), actual = digest.ToString() });
        }

        var document = ManifestDocument.Parse(content, contentType);
        await CheckReferencesAsync(name, document, cancellationToken).ConfigureAwait(false);

        // Order matters for readers and for a crash at any point: bytes, then the revision link, then the
        // referrer link, then the tag. Each step is an atomic write, and an earlier one never points at a later one.
        var blob = RegistryLayout.BlobData(digest);
        if (await store.GetInfoAsync(blob, cancellationToken).ConfigureAwait(false) is null)
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            await store.WriteAsync(blob, stream, cancellationToken).ConfigureAwait(false);
        }

        await links.WriteAsync(RegistryLayout.ManifestRevisionLink(name, digest), digest, cancellationToken).ConfigureAwait(false);
        if (document.Subject is { } subject)
        {
            await referrers.AddAsync(name, subject.Digest, digest, cancellationToken).ConfigureAwait(false);
        }

        if (reference.Tag is { } tag)
        {
            // Neither link points at the other, so they are written at once: one wait for the disk instead of two.
            await Task.WhenAll(
                links.WriteAsync(RegistryLayout.TagIndexLink(name, tag, digest), digest, cancellationToken),
                links.WriteAsync(RegistryLayout.TagCurrentLink(name, tag), digest, cancellationToken)).ConfigureAwait(false);
        }

        metrics.ManifestPushed();
        return new ManifestPutResult(digest, document.Subject?.Digest);
    }

    /// <summary>
    /// Deletes by digest (the manifest, every tag pointing at it and its referrer entry) or by tag (only the tag).
    /// </summary>
    public async Task DeleteAsync(RepositoryName name, ManifestReference reference, CancellationToken cancellationToken)
    {
        if (reference.Tag is { } tag)
        {
            if (!await store.DeleteAsync(RegistryLayout.Tag(name, tag), cancellationToken).ConfigureAwait(false))
            {
                throw Unknown(reference);
            }

            return;
        }

        var digest = reference.Digest!.Value;
        var manifest = await GetByDigestAsync(name, digest, cancellationToken).ConfigureAwait(false) ?? throw Unknown(reference);
        await foreach (var tagDirectory in store.ListAsync(RegistryLayout.Tags(name), cancellationToken).ConfigureAwait(false))
        {
            if (Tag.TryParse(tagDirectory.Name, out var candidate) &&
                await links.ReadAsync(RegistryLayout.TagCurrentLink(name, candidate), cancellationToken).ConfigureAwait(false) == digest)
            {
                await store.DeleteAsync(tagDirectory.Path, cancellationToken).ConfigureAwait(false);
            }
        }

        await store.DeleteAsync(RegistryLayout.ManifestRevision(name, digest), cancellationToken).ConfigureAwait(false);
        if (ManifestDocument.ReadStored(manifest.Content).Subject is { } subject)
        {
            await referrers.RemoveAsync(name, subject.Digest, digest, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ReadOnlyMemory<byte>?> ReadContentAsync(Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(RegistryLayout.BlobData(digest), 0, options.Value.MaxManifestBytes + 1L, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
        catch (StorePathNotFoundException)
        {
            return null;
        }
    }

    private async Task CheckReferencesAsync(RepositoryName name, ManifestDocument document, CancellationToken cancellationToken)
    {
        var checks = new List<Task<Digest?>>();
        if (document.IsIndex)
        {
            foreach (var child in document.Manifests)
            {
                checks.Add(MissingIfAbsentAsync(RegistryLayout.ManifestRevisionLink(name, child.Digest), child.Digest, cancellationToken));
            }
        }
        else
        {
            foreach (var blob in document.Layers.Prepend(document.Config!))
            {
                // Foreign and non-distributable layers live elsewhere (their urls); the registry never holds them.
                if (blob.HasUrls || blob.MediaType == MediaTypes.DockerForeignLayer)
                {
                    continue;
                }

                checks.Add(MissingIfAbsentAsync(RegistryLayout.LayerLink(name, blob.Digest), blob.Digest, cancellationToken));
            }
        }

        foreach (var missing in await Task.WhenAll(checks).ConfigureAwait(false))
        {
            if (missing is { } digest)
            {
                throw new OciRegistryException(OciErrorCode.ManifestBlobUnknown,
                    $"the manifest references {digest}, which is not in repository {name}", new { digest = digest.ToString() });
            }
        }
    }

    /// <summary>
    /// Checks that a referenced blob or child is linked into the repository and rewrites its link. The fresh link
    /// time tells a concurrent garbage collection that the content was referenced after its mark began, so an
    /// old, unreferenced blob that a new manifest reuses is not swept from under it.
    /// </summary>
    private async Task<Digest?> MissingIfAbsentAsync(string linkPath, Digest digest, CancellationToken cancellationToken)
    {
        if (!await links.ExistsAsync(linkPath, cancellationToken).ConfigureAwait(false))
        {
            return digest;
        }

        await links.WriteAsync(linkPath, digest, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static OciRegistryException Unknown(ManifestReference reference) =>
        new(OciErrorCode.ManifestUnknown, $"manifest '{reference}' is not in the repository", new { reference = reference.ToString() });
}
