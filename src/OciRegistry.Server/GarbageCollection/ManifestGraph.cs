using OciRegistry.Content;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// The manifests of one repository and what holds what: an index holds its children, a manifest holds its referrers
/// (the manifests of the repository whose <c>subject</c> it is).
/// </summary>
internal sealed class ManifestGraph
{
    private readonly IReadOnlyDictionary<Digest, ManifestReferences> manifests;
    private readonly Dictionary<Digest, List<Digest>> referrersBySubject = [];

    /// <param name="revisions">The repository's manifests (referrers are found among them).</param>
    /// <param name="manifests">The references of every manifest involved.</param>
    public ManifestGraph(IEnumerable<Digest> revisions, IReadOnlyDictionary<Digest, ManifestReferences> manifests)
    {
        this.manifests = manifests;
        foreach (var revision in revisions)
        {
            if (References(revision).Subject is { } subject)
            {
                if (!referrersBySubject.TryGetValue(subject, out var referrers))
                {
                    referrersBySubject[subject] = referrers = [];
                }

                referrers.Add(revision);
            }
        }
    }

    /// <summary>The manifests kept by <paramref name="roots"/>: the roots, their children (recursively) and their referrers.</summary>
    public HashSet<Digest> Reach(IEnumerable<Digest> roots)
    {
        var kept = new HashSet<Digest>();
        var pending = new Stack<Digest>(roots);
        while (pending.TryPop(out var manifest))
        {
            if (!kept.Add(manifest))
            {
                continue;
            }

            foreach (var child in References(manifest).Children)
            {
                pending.Push(child);
            }

            if (referrersBySubject.TryGetValue(manifest, out var referrers))
            {
                foreach (var referrer in referrers)
                {
                    pending.Push(referrer);
                }
            }
        }

        return kept;
    }

    /// <summary>The manifests themselves and every blob they reference.</summary>
    public IEnumerable<Digest> WithBlobs(IEnumerable<Digest> kept) =>
        kept.SelectMany(manifest => References(manifest).Blobs.Prepend(manifest));

    private ManifestReferences References(Digest manifest) =>
        manifests.TryGetValue(manifest, out var references) ? references : ManifestReferences.None;
}
