using OciRegistry.Content;

namespace OciRegistry.Engine.Manifests;

/// <summary>What a manifest PUT stored: the manifest's digest and, for a referrer, its subject.</summary>
internal sealed record ManifestPutResult(Digest Digest, Digest? Subject);
