namespace OciRegistry.GarbageCollection;

/// <summary>Garbage collection settings (<c>OciRegistry:GarbageCollection</c>).</summary>
public sealed class GarbageCollectionOptions
{
    /// <summary>
    /// Runs the collector in the background every <see cref="Interval"/>. Off by default. Safe with several instances
    /// on one storage: a lease in storage lets one collect at a time.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Time between two background runs (and before the first). Upload purging runs on the same schedule.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Content whose blob data, repository link or manifest revision link was written less than this long before a run
    /// began is never deleted by that run: a push in progress has at least this long to reference what it uploaded.
    /// It must also exceed any clock difference between registry instances and the storage service.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Uploads started longer ago than this are deleted, finished or not.</summary>
    public TimeSpan UploadPurgeAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Also deletes manifests no tag reaches (directly, as a child of a tagged index, or as a referrer of a kept
    /// manifest), and then the blobs only they used.
    /// </summary>
    public bool DeleteUntagged { get; set; }

    /// <summary>
    /// How long swept blob data waits in quarantine before it is deleted for good. A registry request that saw the blob
    /// just before it was swept and links it meanwhile gets it back; this must exceed the longest pause expected inside
    /// one such request.
    /// </summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(30);
}
