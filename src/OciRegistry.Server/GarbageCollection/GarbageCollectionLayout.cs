using OciRegistry.Content;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// The storage paths of the garbage collector itself, beside <see cref="RegistryLayout"/>'s. They live under
/// <c>docker/registry/v2/_ociregistry</c>, which the Go registry never reads and no repository can be named.
/// </summary>
internal static class GarbageCollectionLayout
{
    /// <summary>Folder of OciRegistry's own registry-wide state.</summary>
    public const string Root = RegistryLayout.Root + "/_ociregistry";

    /// <summary>Who collects now and until when (JSON): one collector at a time across instances.</summary>
    public const string Lease = Root + "/gc-lease";

    /// <summary>Swept blob data waiting out the settle delay before it is deleted for good.</summary>
    public const string QuarantineRoot = Root + "/gc-quarantine";

    public static string Quarantine(Digest digest) => $"{QuarantineRoot}/{digest.Algorithm}/{digest.Encoded}";

    /// <summary>The folder of a repository's manifest revision links (<c>&lt;alg&gt;/&lt;hex&gt;/link</c>).</summary>
    public static string Revisions(RepositoryName name) => RegistryLayout.Manifests(name) + "/revisions";

    /// <summary>The folder of a tag's history (<c>index/&lt;alg&gt;/&lt;hex&gt;/link</c>, one per manifest it ever named).</summary>
    public static string TagIndex(RepositoryName name, Tag tag) => RegistryLayout.Tag(name, tag) + "/index";
}
