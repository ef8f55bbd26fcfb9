using System.Text.Json;
using OciRegistry.Content;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// What a stored manifest holds on to, read conservatively: every descriptor in <c>config</c>, <c>layers</c>,
/// <c>blobs</c> and (schema 1) <c>fsLayers</c> is a blob, every one in <c>manifests</c> a child, whatever the media
/// type says. A manifest type the registry does not know (a Go registry's schema 1 image, an old artifact manifest)
/// keeps its blobs too.
/// </summary>
internal sealed class ManifestReferences
{
    /// <summary>A manifest that could not be read: it references nothing.</summary>
    public static readonly ManifestReferences None = new([], [], null);

    private ManifestReferences(IReadOnlyList<Digest> blobs, IReadOnlyList<Digest> children, Digest? subject)
    {
        Blobs = blobs;
        Children = children;
        Subject = subject;
    }

    /// <summary>Configs, layers and other blobs.</summary>
    public IReadOnlyList<Digest> Blobs { get; }

    /// <summary>The manifests of an index or manifest list.</summary>
    public IReadOnlyList<Digest> Children { get; }

    /// <summary>The manifest this one refers to (a signature's or an SBOM's image), when it has a <c>subject</c>.</summary>
    public Digest? Subject { get; }

    /// <summary>Reads the references of stored manifest bytes; <c>null</c> when they are not a JSON object.</summary>
    public static ManifestReferences? Read(ReadOnlyMemory<byte> content)
    {
        try
        {
            using var json = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var blobs = new List<Digest>();
            AddDigest(root, "config", "digest", blobs);
            AddDigests(root, "layers", "digest", blobs);
            AddDigests(root, "blobs", "digest", blobs);
            AddDigests(root, "fsLayers", "blobSum", blobs);
            var children = new List<Digest>();
            AddDigests(root, "manifests", "digest", children);
            var subjects = new List<Digest>(1);
            AddDigest(root, "subject", "digest", subjects);
            return new ManifestReferences(blobs, children, subjects.Count > 0 ? subjects[0] : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void AddDigests(JsonElement root, string arrayProperty, string digestProperty, List<Digest> into)
    {
        if (root.TryGetProperty(arrayProperty, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in array.EnumerateArray())
            {
                AddDigest(element, digestProperty, into);
            }
        }
    }

    private static void AddDigest(JsonElement root, string objectProperty, string digestProperty, List<Digest> into)
    {
        if (root.TryGetProperty(objectProperty, out var descriptor))
        {
            AddDigest(descriptor, digestProperty, into);
        }
    }

    private static void AddDigest(JsonElement descriptor, string digestProperty, List<Digest> into)
    {
        if (descriptor.ValueKind == JsonValueKind.Object && descriptor.TryGetProperty(digestProperty, out var value) &&
            value.ValueKind == JsonValueKind.String && Digest.TryParse(value.GetString(), out var digest))
        {
            into.Add(digest);
        }
    }
}
