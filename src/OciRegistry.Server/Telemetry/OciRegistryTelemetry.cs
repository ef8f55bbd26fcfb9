namespace OciRegistry.Telemetry;

/// <summary>
/// Names to subscribe to with OpenTelemetry (<c>AddMeter(OciRegistryTelemetry.MeterName)</c>,
/// <c>AddSource(OciRegistryTelemetry.ActivitySourceName)</c>).
/// </summary>
public static class OciRegistryTelemetry
{
    /// <summary>The meter of the registry's counters (bytes in and out, pushes, pulls, errors by code).</summary>
    public const string MeterName = "OciRegistry";

    /// <summary>The activity source of the registry's storage-heavy operations (upload completion, manifest push).</summary>
    public const string ActivitySourceName = "OciRegistry";
}
