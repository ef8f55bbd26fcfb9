namespace OciRegistry.GarbageCollection;

/// <summary>
/// Mark and sweep over the registry's storage: keeps everything reachable from a tag (and, unless told otherwise,
/// every manifest), deletes the rest. Safe to run while the registry serves pushes and pulls.
/// </summary>
public interface IGarbageCollector
{
    /// <summary>
    /// Runs one collection, unless another collector holds the lease or the registry is read-only and this is no dry run
    /// (then the result is <see cref="GarbageCollectionResult.Skipped"/>).
    /// </summary>
    /// <remarks>
    /// A storage failure ends the run with the driver's exception. Nothing is ever deleted on partial knowledge: a failure
    /// while marking deletes nothing, and blob data already swept is put back (or, failing that, by the next run).
    /// </remarks>
    Task<GarbageCollectionResult> CollectAsync(GarbageCollectionRequest? request = null, CancellationToken cancellationToken = default);
}
