namespace OciRegistry.DependencyInjection;

/// <summary>Storage settings shared by all drivers (<c>OciRegistry:Storage</c>).</summary>
public sealed class OciRegistryStorageOptions
{
    /// <summary>
    /// The driver the sample host picks: <c>filesystem</c> (default). The engine itself uses whichever
    /// <c>IBlobStore</c> is registered.
    /// </summary>
    public string Driver { get; set; } = "filesystem";

    /// <summary>
    /// Whether manifests, tags and blobs may be deleted through the API. When <c>false</c>, DELETE answers
    /// 405 <c>UNSUPPORTED</c>. On by default, as the OCI conformance suite expects.
    /// </summary>
    public bool DeleteEnabled { get; set; } = true;

    /// <summary>Redirects of blob downloads to the storage service (<c>OciRegistry:Storage:Redirect</c>).</summary>
    public OciRegistryRedirectOptions Redirect { get; set; } = new();
}
