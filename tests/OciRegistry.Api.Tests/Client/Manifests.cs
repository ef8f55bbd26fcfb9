using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRegistry.Api.Tests.Client;

/// <summary>Builds the manifests the tests push: images, artifacts, indexes, in OCI and Docker flavours.</summary>
public static class Manifests
{
    public static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    public static JsonObject Descriptor(TestManifest manifest) => Descriptor(manifest.MediaType, manifest.Digest, manifest.Size);

    /// <summary>A child of an index, with its platform.</summary>
    public static JsonObject Platform(TestManifest manifest, string os, string architecture)
    {
        var descriptor = Descriptor(manifest);
        descriptor["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = os };
        return descriptor;
    }

    /// <summary>An OCI image manifest of <paramref name="config"/> and <paramref name="layers"/>.</summary>
    public static TestManifest Image(TestBlob config, params TestBlob[] layers) =>
        Serialize(ImageJson(MediaType.OciManifest, MediaType.OciConfig, config, MediaType.OciLayer, layers), MediaType.OciManifest);

    /// <summary>A Docker schema 2 image manifest.</summary>
    public static TestManifest DockerImage(TestBlob config, params TestBlob[] layers) =>
        Serialize(ImageJson(MediaType.DockerManifest, MediaType.DockerConfig, config, MediaType.DockerLayer, layers), MediaType.DockerManifest);

    /// <summary>
    /// An artifact: an OCI image manifest whose <c>subject</c> is <paramref name="subject"/>, typed by
    /// <c>artifactType</c> (when given) and carrying <paramref name="annotations"/>.
    /// </summary>
    public static TestManifest Artifact(JsonObject subject, string? artifactType, TestBlob config, string configMediaType = MediaType.OciEmpty,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var json = ImageJson(MediaType.OciManifest, configMediaType, config, MediaType.OciLayer, []);
        if (artifactType is not null)
        {
            json["artifactType"] = artifactType;
        }

        json["subject"] = subject;
        if (annotations is not null)
        {
            var annotationJson = new JsonObject();
            foreach (var (key, value) in annotations)
            {
                annotationJson[key] = value;
            }

            json["annotations"] = annotationJson;
        }

        return Serialize(json, MediaType.OciManifest);
    }

    /// <summary>An OCI index (or, with <paramref name="mediaType"/>, a Docker manifest list) of <paramref name="children"/>.</summary>
    public static TestManifest Index(IEnumerable<JsonObject> children, string mediaType = MediaType.OciIndex) =>
        Serialize(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["manifests"] = new JsonArray([.. children]),
        }, mediaType);

    public static TestManifest Serialize(JsonObject json, string mediaType) =>
        new(JsonSerializer.SerializeToUtf8Bytes(json), mediaType);

    private static JsonObject ImageJson(string mediaType, string configMediaType, TestBlob config, string layerMediaType, TestBlob[] layers) => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = mediaType,
        ["config"] = Descriptor(configMediaType, config.Digest, config.Size),
        ["layers"] = new JsonArray([.. layers.Select(layer => (JsonNode)Descriptor(layerMediaType, layer.Digest, layer.Size))]),
    };
}
