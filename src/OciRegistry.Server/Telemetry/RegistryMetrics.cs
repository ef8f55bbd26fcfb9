using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OciRegistry.Telemetry;

/// <summary>The registry's counters, created through <see cref="IMeterFactory"/> so tests and hosts own their meters.</summary>
internal sealed class RegistryMetrics
{
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _blobsCommitted;
    private readonly Counter<long> _manifestsPushed;
    private readonly Counter<long> _manifestsPulled;
    private readonly Counter<long> _errors;

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(OciRegistryTelemetry.MeterName);
        _bytesReceived = meter.CreateCounter<long>("ociregistry.blob.bytes_received", "By", "Blob bytes written to storage by uploads.");
        _bytesSent = meter.CreateCounter<long>("ociregistry.blob.bytes_sent", "By", "Blob bytes streamed to clients (redirected downloads not included).");
        _blobsCommitted = meter.CreateCounter<long>("ociregistry.blob.commits", "{blob}", "Uploads verified and committed.");
        _manifestsPushed = meter.CreateCounter<long>("ociregistry.manifest.pushes", "{manifest}", "Manifests stored.");
        _manifestsPulled = meter.CreateCounter<long>("ociregistry.manifest.pulls", "{manifest}", "Manifests served (GET and HEAD).");
        _errors = meter.CreateCounter<long>("ociregistry.errors", "{error}", "Error responses, by OCI error code.");
    }

    public void BytesReceived(long count) => _bytesReceived.Add(count);

    public void BytesSent(long count) => _bytesSent.Add(count);

    public void BlobCommitted() => _blobsCommitted.Add(1);

    public void ManifestPushed() => _manifestsPushed.Add(1);

    public void ManifestPulled() => _manifestsPulled.Add(1);

    public void Error(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <summary>The source of the registry's activities.</summary>
    public static readonly ActivitySource Activities = new(OciRegistryTelemetry.ActivitySourceName);
}
