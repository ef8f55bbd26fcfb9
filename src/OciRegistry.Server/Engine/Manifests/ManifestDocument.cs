using System.Text.Json;
using OciRegistry.Content;
using OciRegistry.Errors;

namespace OciRegistry.Engine.Manifests;

/// <summary>
/// The parts of a manifest the registry acts on, read from the exact bytes a client sent. Parsing refuses
/// what the registry cannot store safely (invalid JSON, schema 1, malformed descriptors) with MANIFEST_INVALID.
/// </summary>
internal sealed class ManifestDocument
{
    private ManifestDocument(string mediaType, Descriptor? config, IReadOnlyList<Descriptor> layers, IReadOnlyList<Descriptor> manifests,
        Descriptor? subject, string? artifactType, JsonElement? annotations)
    {
        MediaType = mediaType;
        Config = config;
        Layers = layers;
        Manifests = manifests;
        Subject = subject;
        ArtifactType = artifactType;
        Annotations = annotations;
    }

    /// <summary>The manifest's media type: its <c>mediaType</c> field, else the one it was stored with or detected.</summary>
    public string MediaType { get; }

    public Descriptor? Config { get; }

    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>Children of an index or manifest list.</summary>
    public IReadOnlyList<Descriptor> Manifests { get; }

    public Descriptor? Subject { get; }

    public string? ArtifactType { get; }

    public JsonElement? Annotations { get; }

    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>The artifact type a referrers listing reports: <c>artifactType</c>, else the config's media type.</summary>
    public string? EffectiveArtifactType => ArtifactType ?? (IsIndex ? null : Config?.MediaType);

    /// <summary>Parses a manifest a client pushes.</summary>
    /// <param name="content">The exact bytes.</param>
    /// <param name="contentType">The request's Content-Type, used when the manifest has no <c>mediaType</c> (umoci writes such).</param>
    public static ManifestDocument Parse(ReadOnlyMemory<byte> content, string? contentType)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw Invalid($"manifest is not valid JSON: {e.Message}");
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("manifest must be a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var schemaVersion) || schemaVersion.ValueKind != JsonValueKind.Number ||
                !schemaVersion.TryGetInt32(out var version) || version != 2)
            {
                throw Invalid("only schemaVersion 2 manifests are supported");
            }

            var declared = GetString(root, "mediaType");
            var requested = NormaliseContentType(contentType);
            if (declared is not null && requested is not null && requested != declared && IsKnownManifestType(requested))
            {
                throw Invalid($"Content-Type '{requested}' does not match the manifest's mediaType '{declared}'");
            }

            var mediaType = declared ?? (requested is not null && IsKnownManifestType(requested) ? requested : DetectMediaType(root));
            return Build(root, mediaType, strict: true);
        }
    }

    /// <summary>Reads a manifest already stored (trusted bytes; lenient so a stored manifest is always served).</summary>
    public static ManifestDocument ReadStored(ReadOnlyMemory<byte> content)
    {
        try
        {
            using var json = JsonDocument.Parse(content);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unknown();
            }

            var mediaType = GetString(root, "mediaType") ?? DetectMediaType(root);
            return Build(root, mediaType, strict: false);
        }
        catch (Exception e) when (e is JsonException or OciRegistryException)
        {
            return Unknown();
        }
    }

    /// <summary>Reads only the media type of stored bytes (the hot path of manifest GET).</summary>
    public static string ReadMediaType(ReadOnlySpan<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return MediaTypes.OciManifest;
            }

            var sawManifests = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("mediaType"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        return reader.GetString()!;
                    }
                }
                else
                {
                    sawManifests |= reader.ValueTextEquals("manifests"u8);
                    reader.Read();
                }

                reader.Skip();
            }

            return sawManifests ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        }
        catch (JsonException)
        {
            return MediaTypes.OciManifest;
        }
    }

    private static ManifestDocument Unknown() => new(MediaTypes.OciManifest, null, [], [], null, null, null);

    private static ManifestDocument Build(JsonElement root, string mediaType, bool strict)
    {
        Descriptor? config = null;
        IReadOnlyList<Descriptor> layers = [];
        IReadOnlyList<Descriptor> manifests = [];
        if (MediaTypes.IsIndex(mediaType))
        {
            if (!root.TryGetProperty("manifests", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("an index must have a 'manifests' array");
            }

            manifests = ReadDescriptors(list, "manifests");
        }
        else if (MediaTypes.IsImageManifest(mediaType))
        {
            if (!root.TryGetProperty("config", out var configElement))
            {
                throw Invalid("an image manifest must have a 'config' descriptor");
            }

            config = ReadDescriptor(configElement, "config");
            if (root.TryGetProperty("layers", out var layerList))
            {
                if (layerList.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("'layers' must be an array");
                }

                layers = ReadDescriptors(layerList, "layers");
            }
            else if (strict && mediaType == MediaTypes.DockerManifest)
            {
                throw Invalid("a Docker image manifest must have 'layers'");
            }
        }
        else if (strict)
        {
            throw Invalid($"unsupported manifest media type '{mediaType}'");
        }

        Descriptor? subject = root.TryGetProperty("subject", out var subjectElement) && subjectElement.ValueKind != JsonValueKind.Null
            ? ReadDescriptor(subjectElement, "subject")
            : null;
        var annotations = root.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object ? a.Clone() : (JsonElement?)null;
        return new ManifestDocument(mediaType, config, layers, manifests, subject, GetString(root, "artifactType"), annotations);
    }

    private static List<Descriptor> ReadDescriptors(JsonElement array, string field)
    {
        var result = new List<Descriptor>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            result.Add(ReadDescriptor(element, $"{field}[{index++}]"));
        }

        return result;
    }

    private static Descriptor ReadDescriptor(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"'{field}' must be a descriptor object");
        }

        var digestText = GetString(element, "digest");
        if (!Digest.TryParse(digestText, out var digest))
        {
            throw Invalid($"'{field}.digest' is missing or not a valid digest");
        }

        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number ||
            !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw Invalid($"'{field}.size' is missing or not a non-negative integer");
        }

        var annotations = element.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object ? a.Clone() : (JsonElement?)null;
        var platform = element.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : (JsonElement?)null;
        var hasUrls = element.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array && urls.GetArrayLength() > 0;
        return new Descriptor(GetString(element, "mediaType"), digest, size, GetString(element, "artifactType"), annotations, platform, hasUrls);
    }

    private static string DetectMediaType(JsonElement root) =>
        root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;

    private static bool IsKnownManifestType(string mediaType) =>
        MediaTypes.IsIndex(mediaType) || MediaTypes.IsImageManifest(mediaType);

    private static string? NormaliseContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
    }

    private static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static OciRegistryException Invalid(string message) => new(OciErrorCode.ManifestInvalid, message);
}
