namespace OciRegistry.Authorization;

/// <summary>The actions of <see cref="RegistryAccessRequirement"/>, named as in Docker token scopes.</summary>
public static class RegistryActions
{
    /// <summary>Read manifests, blobs, tags and referrers of a repository.</summary>
    public const string Pull = "pull";

    /// <summary>Upload blobs and push manifests and tags to a repository.</summary>
    public const string Push = "push";

    /// <summary>Delete manifests, tags and blobs of a repository.</summary>
    public const string Delete = "delete";

    /// <summary>Every action (in a grant), or the only action of the catalog.</summary>
    public const string All = "*";
}
