using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OciRegistry.Telemetry;

/// <summary>The registry's counters, created through <see cref="IMeterFactory"/> so tests and hosts own their meters.</summary>
internal sealed class RegistryMetrics
{
    // Requests that write to storage take milliseconds to minutes; the default buckets are meant for milliseconds.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    };

    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _blobsCommitted;
    private readonly Counter<long> _manifestsPushed;
    private readonly Counter<long> _manifestsPulled;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _uploadCompletionDuration;
    private readonly Histogram<double> _manifestPutDuration;
    private readonly Counter<long> _garbageCollectionRuns;
    private readonly Histogram<double> _garbageCollectionDuration;
    private readonly Counter<long> _garbageCollectionBytesFreed;

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(OciRegistryTelemetry.MeterName);
        _bytesReceived = meter.CreateCounter<long>("ociregistry.blob.bytes_received", "By", "Blob bytes written to storage by uploads.");
        _bytesSent = meter.CreateCounter<long>("ociregistry.blob.bytes_sent", "By", "Blob bytes streamed to clients (redirected downloads not included).");
        _blobsCommitted = meter.CreateCounter<long>("ociregistry.blob.commits", "{blob}", "Uploads verified and committed.");
        _manifestsPushed = meter.CreateCounter<long>("ociregistry.manifest.pushes", "{manifest}", "Manifests stored.");
        _manifestsPulled = meter.CreateCounter<long>("ociregistry.manifest.pulls", "{manifest}", "Manifests served (GET and HEAD).");
        _errors = meter.CreateCounter<long>("ociregistry.errors", "{error}", "Error responses, by OCI error code.");
        _requests = meter.CreateCounter<long>("ociregistry.requests", "{request}",
            "Requests the registry's endpoints answered, by endpoint (version, catalog, tags, manifest, blob, upload_start, upload, referrers, other), method and status.");
        _uploadCompletionDuration = meter.CreateHistogram("ociregistry.upload.duration", "s",
            "Duration of the request that completes an upload (PUT ?digest=, or a monolithic POST): its last bytes, the digest check and the commit; by status.",
            advice: SecondsBuckets);
        _manifestPutDuration = meter.CreateHistogram("ociregistry.manifest.put.duration", "s",
            "Duration of manifest PUTs: parsing, the checks of every reference, and the writes; by status.", advice: SecondsBuckets);
        _garbageCollectionRuns = meter.CreateCounter<long>("ociregistry.gc.runs", "{run}",
            "Garbage collections, by outcome (completed, skipped: another collector held the lease, failed) and dry_run.");
        _garbageCollectionDuration = meter.CreateHistogram("ociregistry.gc.duration", "s", "Duration of completed garbage collections.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] });
        _garbageCollectionBytesFreed = meter.CreateCounter<long>("ociregistry.gc.bytes_freed", "By", "Blob bytes deleted by garbage collections (none in dry runs).");
    }

    public void BytesReceived(long count) => _bytesReceived.Add(count);

    public void BytesSent(long count) => _bytesSent.Add(count);

    public void BlobCommitted() => _blobsCommitted.Add(1);

    public void ManifestPushed() => _manifestsPushed.Add(1);

    public void ManifestPulled() => _manifestsPulled.Add(1);

    public void Error(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void RequestServed(string endpoint, string method, int status) =>
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", status));

    public void UploadCompletionTimed(TimeSpan duration, int status) =>
        _uploadCompletionDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));

    public void ManifestPutTimed(TimeSpan duration, int status) =>
        _manifestPutDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));

    public void GarbageCollectionRan(string outcome, bool dryRun, TimeSpan? duration, long bytesFreed)
    {
        var dryRunTag = new KeyValuePair<string, object?>("dry_run", dryRun);
        _garbageCollectionRuns.Add(1, new KeyValuePair<string, object?>("outcome", outcome), dryRunTag);
        if (duration is { } elapsed && outcome == "completed")
        {
            _garbageCollectionDuration.Record(elapsed.TotalSeconds, dryRunTag);
            if (!dryRun)
            {
                _garbageCollectionBytesFreed.Add(bytesFreed);
            }
        }
    }

    /// <summary>The source of the registry's activities.</summary>
    public static readonly ActivitySource Activities = new(OciRegistryTelemetry.ActivitySourceName);
}
