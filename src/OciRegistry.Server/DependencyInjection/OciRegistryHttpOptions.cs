namespace OciRegistry.DependencyInjection;

/// <summary>HTTP settings (<c>OciRegistry:Http</c>).</summary>
public sealed class OciRegistryHttpOptions
{
    /// <summary>
    /// Answer <c>Location</c> headers as paths (<c>/v2/...</c>) instead of absolute URLs. Absolute URLs are built
    /// from <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c> when a proxy sends them, else from the request.
    /// </summary>
    public bool RelativeUrls { get; set; }

    /// <summary>
    /// Key of the HMAC that signs the <c>_state</c> token of upload URLs. Leave empty: a random secret is then
    /// created once in storage and shared by every instance on it. Set it (the same on every instance) to keep
    /// the key out of the storage.
    /// </summary>
    public string? Secret { get; set; }
}
