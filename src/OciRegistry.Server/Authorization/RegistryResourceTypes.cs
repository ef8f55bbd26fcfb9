namespace OciRegistry.Authorization;

/// <summary>The resource types of <see cref="RegistryAccessRequirement"/>, named as in Docker token scopes.</summary>
public static class RegistryResourceTypes
{
    /// <summary>A repository, named by its repository name.</summary>
    public const string Repository = "repository";

    /// <summary>The registry itself; its one resource is <see cref="Catalog"/>.</summary>
    public const string Registry = "registry";

    /// <summary>The name of the catalog resource (<c>registry:catalog:*</c>, needed for <c>GET /v2/_catalog</c>).</summary>
    public const string Catalog = "catalog";
}
