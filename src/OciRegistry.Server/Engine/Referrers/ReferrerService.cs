using OciRegistry.Content;
using OciRegistry.Engine.Manifests;
using OciRegistry.Storage;

namespace OciRegistry.Engine.Referrers;

/// <summary>
/// The referrers index: for each subject digest, the manifests of the repository whose <c>subject</c> names it.
/// Kept as link files beside distribution's layout, written when such a manifest is pushed and removed when it is deleted.
/// </summary>
internal sealed class ReferrerService(IBlobStore store, LinkFiles links)
{
    public Task AddAsync(RepositoryName name, Digest subject, Digest referrer, CancellationToken cancellationToken) =>
        links.WriteAsync(RegistryLayout.ReferrerLink(name, subject, referrer), referrer, cancellationToken);

    public Task RemoveAsync(RepositoryName name, Digest subject, Digest referrer, CancellationToken cancellationToken) =>
        store.DeleteAsync(RegistryLayout.ReferrerDirectory(name, subject, referrer), cancellationToken);

    /// <summary>The descriptors of the manifests referring to <paramref name="subject"/>, sorted by digest.</summary>
    /// <param name="name">The repository.</param>
    /// <param name="subject">The subject digest.</param>
    /// <param name="artifactType">Only referrers of this artifact type, when given.</param>
    /// <param name="readManifest">Reads a manifest of the repository (null when it was deleted meanwhile).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async Task<IReadOnlyList<Descriptor>> ListAsync(RepositoryName name, Digest subject, string? artifactType,
        Func<Digest, Task<StoredManifest?>> readManifest, CancellationToken cancellationToken)
    {
        var result = new List<Descriptor>();
        await foreach (var algorithm in store.ListAsync(RegistryLayout.Referrers(name, subject), cancellationToken).ConfigureAwait(false))
        {
            await foreach (var entry in store.ListAsync(algorithm.Path, cancellationToken).ConfigureAwait(false))
            {
                if (!Digest.TryParse(algorithm.Name + ":" + entry.Name, out var digest) ||
                    await readManifest(digest).ConfigureAwait(false) is not { } manifest)
                {
                    continue;
                }

                var document = ManifestDocument.ReadStored(manifest.Content);
                var type = document.EffectiveArtifactType;
                if (artifactType is not null && type != artifactType)
                {
                    continue;
                }

                result.Add(new Descriptor(manifest.MediaType, digest, manifest.Content.Length, type, document.Annotations, null, false));
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Digest.ToString(), b.Digest.ToString()));
        return result;
    }
}
