using System.Globalization;

namespace OciRegistry.GarbageCollection;

/// <summary>One thing a garbage collection deleted (or, in a dry run, would delete).</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Repository">The repository it belonged to; <c>null</c> for blob data, which belongs to none.</param>
/// <param name="Item">The digest, or the upload id.</param>
/// <param name="Size">Bytes freed: the blob's or the upload's size; 0 for links and manifest revisions.</param>
public sealed record GarbageCollectionDeletion(GarbageCollectionItemKind Kind, string? Repository, string Item, long Size)
{
    /// <summary>A line for people: <c>blob sha256:... (1234 bytes)</c>, <c>manifest repo@sha256:...</c>.</summary>
    public override string ToString() => Kind switch
    {
        GarbageCollectionItemKind.Blob => string.Create(CultureInfo.InvariantCulture, $"blob {Item} ({Size} bytes)"),
        GarbageCollectionItemKind.Manifest => $"manifest {Repository}@{Item}",
        GarbageCollectionItemKind.LayerLink => $"layer link {Repository}@{Item}",
        _ => string.Create(CultureInfo.InvariantCulture, $"upload {Repository}/{Item} ({Size} bytes)"),
    };
}
