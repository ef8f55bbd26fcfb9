using System.Collections.Concurrent;
using OciRegistry.Content;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// The references of every manifest a run looks at, each read once from its blob data (a manifest shared by several
/// repositories too). Children of an index are read as well, so marking needs no further storage round trip.
/// </summary>
internal sealed class ManifestCache(IBlobStore store, int parallelism, Action<Digest, string> unreadable)
{
    // Manifests are at most a few MiB (4 MiB is the registry's default limit); anything far larger is no manifest.
    private const long MaxManifestBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<Digest, ManifestReferences> manifests = new();

    public IReadOnlyDictionary<Digest, ManifestReferences> Manifests => manifests;

    /// <summary>Reads every manifest of <paramref name="digests"/> not read yet, and then their children.</summary>
    public async Task LoadAsync(IEnumerable<Digest> digests, CancellationToken cancellationToken)
    {
        var pending = digests.Where(digest => !manifests.ContainsKey(digest)).Distinct().ToList();
        while (pending.Count > 0)
        {
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (digest, token) => manifests[digest] = await ReadAsync(digest, token).ConfigureAwait(false)).ConfigureAwait(false);
            pending = pending.SelectMany(digest => manifests[digest].Children).Where(child => !manifests.ContainsKey(child)).Distinct().ToList();
        }
    }

    private async Task<ManifestReferences> ReadAsync(Digest digest, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        try
        {
            await using var stream = await store.OpenReadAsync(RegistryLayout.BlobData(digest), 0, MaxManifestBytes + 1, cancellationToken).ConfigureAwait(false);
            await stream.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
        }
        catch (StorePathNotFoundException)
        {
            // A revision whose bytes are gone cannot be pulled, and nothing can be reached through it.
            unreadable(digest, "its blob data is missing");
            return ManifestReferences.None;
        }

        if (content.Length > MaxManifestBytes)
        {
            // Marking nothing for it could delete what it references: stop instead.
            throw new InvalidOperationException($"Manifest {digest} is larger than {MaxManifestBytes} bytes; garbage collection cannot mark it and stops.");
        }

        if (ManifestReferences.Read(content.GetBuffer().AsMemory(0, (int)content.Length)) is { } references)
        {
            return references;
        }

        unreadable(digest, "it is not a JSON object");
        return ManifestReferences.None;
    }
}
