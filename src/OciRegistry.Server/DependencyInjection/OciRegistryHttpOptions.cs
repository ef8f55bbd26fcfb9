namespace OciRegistry.DependencyInjection;

/// <summary>HTTP settings (<c>OciRegistry:Http</c>).</summary>
public sealed class OciRegistryHttpOptions
{
    /// <summary>
    /// Answer <c>Location</c> headers as paths (<c>/v2/...</c>) instead of absolute URLs. Absolute URLs are built
    /// from <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c> when a proxy sends them, else from the request.
    /// </summary>
    public bool RelativeUrls { get; set; }
}
