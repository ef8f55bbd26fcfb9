namespace OciRegistry.DependencyInjection;

/// <summary>Docker token authentication (<c>OciRegistry:Auth:Token</c>).</summary>
public sealed class TokenAuthOptions
{
    /// <summary>URL of the token service clients are sent to in the challenge. Empty = token authentication off.</summary>
    public string? Realm { get; set; }

    /// <summary>The registry's service name: sent in the challenge, and the audience (<c>aud</c>) a token must carry.</summary>
    public string? Service { get; set; }

    /// <summary>The issuer (<c>iss</c>) a token must carry.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Path of the keys that sign tokens: a PEM bundle of certificates (the token service's signing certificates) or
    /// a JWKS file (<c>{"keys":[...]}</c>). Read at start.
    /// </summary>
    public string? SigningKeys { get; set; }
}
