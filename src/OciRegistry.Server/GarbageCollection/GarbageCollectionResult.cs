namespace OciRegistry.GarbageCollection;

/// <summary>What one garbage collection did (or, in a dry run, would do).</summary>
public sealed class GarbageCollectionResult
{
    internal GarbageCollectionResult(bool dryRun, string? skipReason, DateTimeOffset markStartedAt, TimeSpan duration, int repositories,
        int marked, IReadOnlyList<GarbageCollectionDeletion> deletions, IReadOnlyList<GarbageCollectionDeletion> restored)
    {
        DryRun = dryRun;
        SkipReason = skipReason;
        MarkStartedAt = markStartedAt;
        Duration = duration;
        Repositories = repositories;
        Marked = marked;
        Deletions = deletions;
        Restored = restored;
    }

    /// <summary>Nothing was written: the run only reported.</summary>
    public bool DryRun { get; }

    /// <summary>The run did not happen: another collector holds the lease, or the registry is read-only (and this is no dry run).</summary>
    public bool Skipped => SkipReason is not null;

    /// <summary>Why the run was skipped, or <c>null</c>.</summary>
    public string? SkipReason { get; }

    /// <summary>When marking began; nothing written after this time less the grace period was deleted.</summary>
    public DateTimeOffset MarkStartedAt { get; }

    /// <summary>How long the run took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How many repositories were scanned.</summary>
    public int Repositories { get; }

    /// <summary>How many distinct blobs (manifests, configs, layers) were kept as reachable.</summary>
    public int Marked { get; }

    /// <summary>Everything deleted, in the order it happened, less what was <see cref="Restored"/>.</summary>
    public IReadOnlyList<GarbageCollectionDeletion> Deletions { get; }

    /// <summary>
    /// Links, manifest revisions and quarantined blob data the run swept but then put back, because a push running at the
    /// same time referenced them. Usually empty.
    /// </summary>
    public IReadOnlyList<GarbageCollectionDeletion> Restored { get; }

    /// <summary>Blob data deleted.</summary>
    public int BlobsDeleted => Count(GarbageCollectionItemKind.Blob);

    /// <summary>Manifest revisions deleted from repositories.</summary>
    public int ManifestsDeleted => Count(GarbageCollectionItemKind.Manifest);

    /// <summary>Repository links to unreferenced blobs deleted.</summary>
    public int LayerLinksDeleted => Count(GarbageCollectionItemKind.LayerLink);

    /// <summary>Abandoned uploads deleted.</summary>
    public int UploadsPurged => Count(GarbageCollectionItemKind.Upload);

    /// <summary>Bytes of blob data and upload data deleted.</summary>
    public long BytesFreed => Deletions.Sum(deletion => deletion.Size);

    private int Count(GarbageCollectionItemKind kind) => Deletions.Count(deletion => deletion.Kind == kind);
}
