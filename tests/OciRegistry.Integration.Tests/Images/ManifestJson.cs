using System.Text.Json;

namespace OciRegistry.Integration.Tests.Images;

/// <summary>Reads the few fields of manifest and index JSON the tests look at.</summary>
internal static class ManifestJson
{
    public static string? MediaType(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.TryGetProperty("mediaType", out var mediaType) ? mediaType.GetString() : null;
    }

    /// <summary>The digest of an image manifest's config blob.</summary>
    public static string ConfigDigest(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
    }

    /// <summary>The digests of an image manifest's layers, bottom first.</summary>
    public static IReadOnlyList<string> LayerDigests(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.GetProperty("layers").EnumerateArray()
            .Select(layer => layer.GetProperty("digest").GetString()!)
            .ToList();
    }

    /// <summary>The images an index lists, in order, with their platform as <c>os/architecture</c>.</summary>
    public static IReadOnlyList<IndexEntry> IndexEntries(byte[] index)
    {
        using var document = JsonDocument.Parse(index);
        return document.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(entry =>
            {
                var platform = entry.GetProperty("platform");
                return new IndexEntry(
                    entry.GetProperty("digest").GetString()!,
                    $"{platform.GetProperty("os").GetString()}/{platform.GetProperty("architecture").GetString()}");
            })
            .ToList();
    }
}
