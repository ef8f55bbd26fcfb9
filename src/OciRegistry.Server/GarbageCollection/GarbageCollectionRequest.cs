namespace OciRegistry.GarbageCollection;

/// <summary>How one garbage collection runs.</summary>
public sealed class GarbageCollectionRequest
{
    /// <summary>Finds and reports what would be deleted, and writes nothing (not even the lease).</summary>
    public bool DryRun { get; init; }

    /// <summary>Overrides <see cref="GarbageCollectionOptions.DeleteUntagged"/> for this run when set.</summary>
    public bool? DeleteUntagged { get; init; }

    /// <summary>
    /// Told of each deletion as it happens (in a dry run, of each deletion that would happen). Calls are never
    /// concurrent.
    /// </summary>
    public IProgress<GarbageCollectionDeletion>? Progress { get; init; }
}
