using OciRegistry.Content;

namespace OciRegistry.GarbageCollection;

/// <summary>A repository found in storage, and which of its folders exist.</summary>
internal sealed record RepositoryFolder(RepositoryName Name, bool HasLayers, bool HasManifests, bool HasUploads);
