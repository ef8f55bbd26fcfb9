using OciRegistry.Content;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// Lists the digests stored in the layout's <c>&lt;folder&gt;/&lt;alg&gt;/&lt;hex&gt;</c> shape (links, revisions, tag
/// history, quarantine) from the listings alone: one listing per algorithm, no read per digest.
/// </summary>
internal static class DigestListing
{
    public static async Task<List<Digest>> ListAsync(IBlobStore store, string folder, CancellationToken cancellationToken)
    {
        var digests = new List<Digest>();
        await foreach (var algorithm in store.ListAsync(folder, cancellationToken).ConfigureAwait(false))
        {
            if (!algorithm.IsDirectory)
            {
                continue;
            }

            await foreach (var entry in store.ListAsync(algorithm.Path, cancellationToken).ConfigureAwait(false))
            {
                if (Digest.TryParse(algorithm.Name + ":" + entry.Name, out var digest))
                {
                    digests.Add(digest);
                }
            }
        }

        return digests;
    }
}
