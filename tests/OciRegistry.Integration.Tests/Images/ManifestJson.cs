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
