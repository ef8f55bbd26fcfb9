using OciRegistry.Content;

namespace OciRegistry.Storage;

/// <summary>
/// Every storage path the registry uses, in one place. The layout is the CNCF distribution registry's
/// (<c>docker/registry/v2/...</c>), so OciRegistry and the Go registry can serve each other's storage.
/// Paths of our own (referrers, upload-signing keys, the garbage collector's state) sit in folders whose names start
/// with an underscore, which the Go registry ignores and which no repository name can take.
/// </summary>
internal static class RegistryLayout
{
    /// <summary>Root of all registry data inside the driver's root.</summary>
    public const string Root = "docker/registry/v2";

    /// <summary>Folder holding every repository.</summary>
    public const string RepositoriesRoot = Root + "/repositories";

    /// <summary>Folder holding every blob, by algorithm.</summary>
    public const string BlobsRoot = Root + "/blobs";

    /// <summary>Name of the folder that marks a directory as a repository with manifests.</summary>
    public const string ManifestsFolder = "_manifests";

    /// <summary>Name of the folder holding a repository's layer links.</summary>
    public const string LayersFolder = "_layers";

    /// <summary>Name of the folder holding a repository's uploads.</summary>
    public const string UploadsFolder = "_uploads";

    public static string BlobDirectory(Digest digest) =>
        $"{BlobsRoot}/{digest.Algorithm}/{digest.Encoded[..2]}/{digest.Encoded}";

    /// <summary>The content of a blob (layers, configs and manifests alike).</summary>
    public static string BlobData(Digest digest) => BlobDirectory(digest) + "/data";

    public static string Repository(RepositoryName name) => $"{RepositoriesRoot}/{name.Value}";

    public static string Layers(RepositoryName name) => $"{Repository(name)}/{LayersFolder}";

    /// <summary>Presence of this link makes a blob part of a repository.</summary>
    public static string LayerLink(RepositoryName name, Digest digest) => LayerDirectory(name, digest) + "/link";

    public static string LayerDirectory(RepositoryName name, Digest digest) =>
        $"{Layers(name)}/{digest.Algorithm}/{digest.Encoded}";

    public static string Manifests(RepositoryName name) => $"{Repository(name)}/{ManifestsFolder}";

    /// <summary>Presence of this link makes a manifest part of a repository.</summary>
    public static string ManifestRevisionLink(RepositoryName name, Digest digest) => ManifestRevision(name, digest) + "/link";

    public static string ManifestRevision(RepositoryName name, Digest digest) =>
        $"{ManifestRevisions(name)}/{digest.Algorithm}/{digest.Encoded}";

    /// <summary>The folder of a repository's manifest revision links (<c>&lt;alg&gt;/&lt;hex&gt;/link</c>).</summary>
    public static string ManifestRevisions(RepositoryName name) => $"{Manifests(name)}/revisions";

    public static string Tags(RepositoryName name) => $"{Manifests(name)}/tags";

    public static string Tag(RepositoryName name, Tag tag) => $"{Tags(name)}/{tag.Value}";

    /// <summary>The manifest a tag points at now.</summary>
    public static string TagCurrentLink(RepositoryName name, Tag tag) => $"{Tag(name, tag)}/current/link";

    /// <summary>Every manifest a tag ever pointed at (kept by distribution for its garbage collector).</summary>
    public static string TagIndexLink(RepositoryName name, Tag tag, Digest digest) =>
        $"{TagIndex(name, tag)}/{digest.Algorithm}/{digest.Encoded}/link";

    /// <summary>The folder of a tag's history (<c>&lt;alg&gt;/&lt;hex&gt;/link</c>, one per manifest it ever named).</summary>
    public static string TagIndex(RepositoryName name, Tag tag) => $"{Tag(name, tag)}/index";

    public static string Uploads(RepositoryName name) => $"{Repository(name)}/{UploadsFolder}";

    public static string Upload(RepositoryName name, string uploadId) => $"{Uploads(name)}/{uploadId}";

    /// <summary>The appendable object receiving an upload's bytes.</summary>
    public static string UploadData(RepositoryName name, string uploadId) => $"{Upload(name, uploadId)}/data";

    /// <summary>When the upload started (RFC 3339); its presence makes the upload exist.</summary>
    public static string UploadStartedAt(RepositoryName name, string uploadId) => $"{Upload(name, uploadId)}/startedat";

    /// <summary>
    /// The SHA-256 state after <paramref name="offset"/> bytes of an upload, in the Go registry's format, so any
    /// instance (or the Go registry) can continue hashing where the last chunk ended.
    /// </summary>
    public static string UploadHashState(RepositoryName name, string uploadId, long offset) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Upload(name, uploadId)}/hashstates/sha256/{offset}");

    /// <summary>
    /// Folder of OciRegistry's own registry-wide state, shared by every instance on this storage. Outside
    /// <c>repositories/</c> and <c>blobs/</c>, which is all the Go registry reads.
    /// </summary>
    public const string OciRegistryStateRoot = Root + "/_ociregistry";

    /// <summary>
    /// The random keys that sign upload URLs when <c>OciRegistry:Http:Secret</c> is not set, one object per key, named
    /// by the key id that tokens carry.
    /// </summary>
    public const string HttpSecrets = OciRegistryStateRoot + "/http-secrets";

    /// <summary>The upload-signing key named <paramref name="keyId"/> (see <see cref="HttpSecrets"/>).</summary>
    public static string HttpSecret(string keyId) => HttpSecrets + "/" + keyId;

    /// <summary>Who collects garbage now and until when (JSON): one collector at a time across instances.</summary>
    public const string GarbageCollectionLease = OciRegistryStateRoot + "/gc-lease";

    /// <summary>Blob data the garbage collector swept, waiting out the settle delay before it is deleted for good.</summary>
    public const string GarbageCollectionQuarantineRoot = OciRegistryStateRoot + "/gc-quarantine";

    /// <summary>Where the garbage collector keeps a swept blob's data (see <see cref="GarbageCollectionQuarantineRoot"/>).</summary>
    public static string QuarantinedBlobData(Digest digest) => $"{GarbageCollectionQuarantineRoot}/{digest.Algorithm}/{digest.Encoded}";

    /// <summary>Referrers of a subject: one link per manifest whose <c>subject</c> is that digest (not in distribution's layout).</summary>
    public static string Referrers(RepositoryName name, Digest subject) =>
        $"{Repository(name)}/_referrers/subjects/{subject.Algorithm}/{subject.Encoded}";

    public static string ReferrerLink(RepositoryName name, Digest subject, Digest referrer) => ReferrerDirectory(name, subject, referrer) + "/link";

    public static string ReferrerDirectory(RepositoryName name, Digest subject, Digest referrer) =>
        $"{Referrers(name, subject)}/{referrer.Algorithm}/{referrer.Encoded}";
}
