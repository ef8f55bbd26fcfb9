using System.Text.Json;
using OciRegistry.Content;

namespace OciRegistry.Engine.Manifests;

/// <summary>An OCI content descriptor as found in a manifest.</summary>
internal sealed record Descriptor(
    string? MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType,
    JsonElement? Annotations,
    JsonElement? Platform,
    bool HasUrls);
