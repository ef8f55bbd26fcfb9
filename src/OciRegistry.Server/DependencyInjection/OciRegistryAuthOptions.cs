namespace OciRegistry.DependencyInjection;

/// <summary>
/// Who may do what (<c>OciRegistry:Auth</c>). With no scheme configured the registry is open to anyone who reaches
/// it, and says so in a warning at start.
/// </summary>
public sealed class OciRegistryAuthOptions
{
    /// <summary>Basic authentication against a bcrypt htpasswd file (<c>OciRegistry:Auth:Htpasswd</c>).</summary>
    public HtpasswdAuthOptions Htpasswd { get; set; } = new();

    /// <summary>Docker token authentication: bearer JWTs from a token service (<c>OciRegistry:Auth:Token</c>).</summary>
    public TokenAuthOptions Token { get; set; } = new();

    /// <summary>Pulls (manifests, blobs, tags, referrers) need no credentials; pushes, deletes and the catalog still do.</summary>
    public bool AnonymousPull { get; set; }

    /// <summary>
    /// Further ASP.NET Core authentication schemes the registry authenticates its requests with, registered by the
    /// application (its OIDC, API keys, client certificates). A principal they produce is granted access by
    /// <see cref="OciRegistry.Authorization.RegistryAccessClaims"/> claims or by the application's own
    /// <c>IAuthorizationHandler</c> for <see cref="OciRegistry.Authorization.RegistryAccessRequirement"/>.
    /// </summary>
    public IList<string> Schemes { get; } = [];
}
