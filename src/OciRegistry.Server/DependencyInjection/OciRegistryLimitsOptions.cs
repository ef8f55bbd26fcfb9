namespace OciRegistry.DependencyInjection;

/// <summary>Limits that keep hostile or broken clients from exhausting the registry (<c>OciRegistry:Limits</c>).</summary>
public sealed class OciRegistryLimitsOptions
{
    /// <summary>Largest blob accepted, in bytes; an upload growing past it is refused with 413 and deleted. 0 = no limit.</summary>
    public long MaxBlobBytes { get; set; }

    /// <summary>
    /// Uploads one client may hold open at once on this instance; one more is refused with 429 <c>TOOMANYREQUESTS</c>.
    /// A client is its user name when authenticated, else its IP address. 0 = no limit.
    /// </summary>
    public int MaxOpenUploadsPerClient { get; set; } = 256;

    /// <summary>An upload not touched (PATCH/PUT/GET) for this long stops counting as open for its client.</summary>
    public TimeSpan OpenUploadIdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Slowest request body accepted on uploads and manifest pushes, in bytes per second, averaged after
    /// <see cref="RequestBodyGracePeriod"/>; a slower client is cut off (Kestrel's minimum data rate, applied per
    /// request). 0 = Kestrel's own setting.
    /// </summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a request body may be slower than <see cref="MinRequestBodyBytesPerSecond"/> before it is cut off.</summary>
    public TimeSpan RequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);
}
