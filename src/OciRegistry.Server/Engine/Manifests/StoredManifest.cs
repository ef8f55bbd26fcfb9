using OciRegistry.Content;

namespace OciRegistry.Engine.Manifests;

/// <summary>A manifest as stored: its digest, media type and exact bytes.</summary>
internal sealed record StoredManifest(Digest Digest, string MediaType, ReadOnlyMemory<byte> Content);
