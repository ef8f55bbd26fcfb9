namespace OciRegistry.Authorization;

/// <summary>The names of the authentication schemes the registry registers.</summary>
public static class OciRegistryAuthenticationSchemes
{
    /// <summary>Basic authentication against the htpasswd file (<c>OciRegistry:Auth:Htpasswd</c>).</summary>
    public const string Htpasswd = "OciRegistry.Htpasswd";

    /// <summary>Docker token authentication (<c>OciRegistry:Auth:Token</c>).</summary>
    public const string Token = "OciRegistry.Token";
}
