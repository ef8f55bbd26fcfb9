using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OciRegistry.Host.Hosting;

/// <summary>
/// The host's health endpoints: <c>/health/live</c> (the process answers; no check runs), <c>/health/ready</c> (the
/// storage driver's check: storage answers) and <c>/healthz</c> (every check). 200 when healthy or degraded, 503
/// when not, with a JSON body naming each check's status and reason.
/// </summary>
internal static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string AllPath = "/healthz";

    /// <summary>How long a storage check may take before it counts as failed: a hung storage server must not hang the probe.</summary>
    public static readonly TimeSpan StorageCheckTimeout = TimeSpan.FromSeconds(5);

    private const string StorageTag = "storage";

    public static void AddHealthEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks();
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Tags.Contains(StorageTag) && r.Timeout == Timeout.InfiniteTimeSpan))
            {
                registration.Timeout = StorageCheckTimeout;
            }
        });
    }

    public static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(StorageTag), ResponseWriter = WriteJsonAsync });
        app.MapHealthChecks(AllPath, new HealthCheckOptions { ResponseWriter = WriteJsonAsync });
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new Dictionary<string, object?>
                {
                    ["status"] = entry.Value.Status.ToString(),
                    ["description"] = entry.Value.Description,
                    ["error"] = entry.Value.Exception?.Message,
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
