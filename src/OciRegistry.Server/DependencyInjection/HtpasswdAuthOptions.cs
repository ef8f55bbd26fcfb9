namespace OciRegistry.DependencyInjection;

/// <summary>Basic authentication against an htpasswd file (<c>OciRegistry:Auth:Htpasswd</c>).</summary>
public sealed class HtpasswdAuthOptions
{
    /// <summary>
    /// Path of the htpasswd file: one <c>user:bcrypt-hash</c> a line (<c>htpasswd -B</c>). Re-read when it changes.
    /// Empty = htpasswd authentication off.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>The realm of the <c>WWW-Authenticate: Basic</c> challenge.</summary>
    public string Realm { get; set; } = "OciRegistry";
}
