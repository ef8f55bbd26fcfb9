namespace OciRegistry.DependencyInjection;

/// <summary>Redirects of blob downloads to the storage service (<c>OciRegistry:Storage:Redirect</c>).</summary>
public sealed class OciRegistryRedirectOptions
{
    /// <summary>
    /// When the driver offers a direct download URL (S3 presigned, Azure SAS), a blob GET answers 307 to it, so the
    /// bytes do not flow through the registry. HEAD is never redirected; the filesystem driver never redirects.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a redirect URL stays valid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(20);
}
