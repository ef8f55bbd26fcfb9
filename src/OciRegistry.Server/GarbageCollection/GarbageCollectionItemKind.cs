namespace OciRegistry.GarbageCollection;

/// <summary>What a garbage collection deletes.</summary>
public enum GarbageCollectionItemKind
{
    /// <summary>Blob data (a layer, a config or a manifest's bytes), shared by every repository.</summary>
    Blob,

    /// <summary>A manifest revision of a repository (only with <see cref="GarbageCollectionOptions.DeleteUntagged"/>).</summary>
    Manifest,

    /// <summary>A repository's link to a blob that no kept manifest references.</summary>
    LayerLink,

    /// <summary>An abandoned upload of a repository.</summary>
    Upload,
}
