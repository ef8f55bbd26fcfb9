namespace OciRegistry.Telemetry;

/// <summary>
/// Names to subscribe to with OpenTelemetry (<c>AddMeter(OciRegistryTelemetry.MeterName)</c>,
/// <c>AddSource(OciRegistryTelemetry.ActivitySourceName)</c>).
/// </summary>
public static class OciRegistryTelemetry
{
    /// <summary>
    /// The meter of the registry's instruments: requests by endpoint, method and status; bytes in and out; pushes, pulls
    /// and commits; errors by code; upload-completion and manifest-put durations; garbage collection runs.
    /// </summary>
    public const string MeterName = "OciRegistry";

    /// <summary>The activity source of the registry's storage-heavy operations (upload completion, manifest push).</summary>
    public const string ActivitySourceName = "OciRegistry";
}
