using System.Collections.Concurrent;
using OciRegistry.Content;
using OciRegistry.Engine;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// What one repository holds, from one listing of each of its folders: blob links, manifest revisions and (when asked)
/// the manifest each tag names now, which costs one read per tag.
/// </summary>
internal sealed class RepositoryInventory(RepositoryName name, HashSet<Digest> layerLinks, HashSet<Digest> revisions, IReadOnlyList<Tag> tags,
    IReadOnlyDictionary<Tag, Digest> taggedManifests)
{
    public RepositoryName Name => name;

    /// <summary>Blobs linked into the repository (<c>_layers</c>).</summary>
    public HashSet<Digest> LayerLinks => layerLinks;

    /// <summary>Manifests of the repository (<c>_manifests/revisions</c>).</summary>
    public HashSet<Digest> Revisions => revisions;

    /// <summary>Every tag folder with a valid tag name.</summary>
    public IReadOnlyList<Tag> Tags => tags;

    /// <summary>The manifest each tag names now; a tag without a readable <c>current/link</c> names none.</summary>
    public IReadOnlyDictionary<Tag, Digest> TaggedManifests => taggedManifests;

    public static async Task<RepositoryInventory> LoadAsync(IBlobStore store, LinkFiles links, RepositoryFolder folder, bool readTags,
        int parallelism, CancellationToken cancellationToken)
    {
        var repository = folder.Name;
        var layerLinks = folder.HasLayers
            ? (await DigestListing.ListAsync(store, RegistryLayout.Layers(repository), cancellationToken).ConfigureAwait(false)).ToHashSet()
            : [];
        var revisions = folder.HasManifests
            ? (await DigestListing.ListAsync(store, RegistryLayout.ManifestRevisions(repository), cancellationToken).ConfigureAwait(false)).ToHashSet()
            : [];
        var tags = new List<Tag>();
        if (folder.HasManifests)
        {
            await foreach (var entry in store.ListAsync(RegistryLayout.Tags(repository), cancellationToken).ConfigureAwait(false))
            {
                // A folder that is no valid tag cannot be asked for through the API: it names nothing.
                if (entry.IsDirectory && Tag.TryParse(entry.Name, out var tag))
                {
                    tags.Add(tag);
                }
            }
        }

        var tagged = new ConcurrentDictionary<Tag, Digest>();
        if (readTags)
        {
            await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (tag, token) =>
                {
                    if (await links.ReadAsync(RegistryLayout.TagCurrentLink(repository, tag), token).ConfigureAwait(false) is { } digest)
                    {
                        tagged[tag] = digest;
                    }
                }).ConfigureAwait(false);
        }

        return new RepositoryInventory(repository, layerLinks, revisions, tags, tagged);
    }
}
