using OciRegistry.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OciRegistry.Host.Hosting;

/// <summary>
/// OpenTelemetry for the host, chosen in configuration (<c>Telemetry:Exporters</c>: <c>otlp</c>, <c>prometheus</c>,
/// or both, comma-separated; none by default, and then no OpenTelemetry is set up at all). OTLP sends the registry's
/// meter and activity source, ASP.NET Core's request metrics and traces, and the logs; Prometheus serves the metrics
/// for scraping on <c>Telemetry:Prometheus:Path</c>.
/// </summary>
internal static class HostTelemetry
{
    public const string DefaultPrometheusPath = "/metrics";

    private static readonly string[] Known = ["otlp", "prometheus"];

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var exporters = Exporters(builder.Configuration);
        if (exporters.Count == 0)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["Telemetry:ServiceName"] ?? "ociregistry"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OciRegistryTelemetry.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                if (exporters.Contains("prometheus"))
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (exporters.Contains("otlp"))
        {
            telemetry.WithTracing(tracing => tracing.AddSource(OciRegistryTelemetry.ActivitySourceName).AddAspNetCoreInstrumentation())
                .WithLogging();

            // Without an endpoint here, the standard OTEL_EXPORTER_OTLP_* variables apply (default: grpc to localhost:4317).
            var endpoint = builder.Configuration["Telemetry:Otlp:Endpoint"];
            if (string.IsNullOrWhiteSpace(endpoint))
            {
                telemetry.UseOtlpExporter();
            }
            else
            {
                telemetry.UseOtlpExporter(Protocol(builder.Configuration["Telemetry:Otlp:Protocol"]), new Uri(endpoint));
            }
        }
    }

    public static void MapTelemetryEndpoints(this WebApplication app)
    {
        if (Exporters(app.Configuration).Contains("prometheus"))
        {
            app.MapPrometheusScrapingEndpoint(app.Configuration["Telemetry:Prometheus:Path"] ?? DefaultPrometheusPath);
        }
    }

    /// <exception cref="InvalidOperationException">An exporter this host does not know is named.</exception>
    private static HashSet<string> Exporters(IConfiguration configuration)
    {
        var named = (configuration["Telemetry:Exporters"] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => name.ToLowerInvariant())
            .Where(name => name != "none")
            .ToHashSet();
        var unknown = named.Except(Known).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Telemetry:Exporters names {string.Join(", ", unknown)}; this host knows: {string.Join(", ", Known)} (comma-separated), or none.");
        }

        return named;
    }

    private static OtlpExportProtocol Protocol(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"Telemetry:Otlp:Protocol is '{name}'; use grpc or http/protobuf."),
    };
}
