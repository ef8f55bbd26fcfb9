using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OciRegistry.Api;
using OciRegistry.Engine;

namespace OciRegistry.Telemetry;

/// <summary>
/// An endpoint convention of <c>MapOciRegistry()</c>: counts every request a registry endpoint answered by endpoint,
/// method and status, and times upload completions and manifest pushes. It classifies the path itself, so the
/// dispatcher stays free of telemetry.
/// </summary>
internal static class RequestMetering
{
    public static void Apply(EndpointBuilder endpoint)
    {
        var next = endpoint.RequestDelegate;
        if (next is null)
        {
            return;
        }

        endpoint.RequestDelegate = async context =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                Record(context, Stopwatch.GetElapsedTime(started));
            }
        };
    }

    private static void Record(HttpContext context, TimeSpan elapsed)
    {
        var metrics = context.RequestServices.GetService<RegistryMetrics>();
        if (metrics is null)
        {
            return;
        }

        var path = context.Request.Path.Value;
        var kind = Classify(path);
        var method = context.Request.Method;
        var status = context.Response.StatusCode;
        metrics.RequestServed(path is "/v2" or "/v2/" ? "version" : EndpointName(kind), method, status);
        if (kind == RegistryRouteKind.Manifest && HttpMethods.IsPut(method))
        {
            metrics.ManifestPutTimed(elapsed, status);
        }
        else if ((kind == RegistryRouteKind.Upload && HttpMethods.IsPut(method)) ||
                 (kind == RegistryRouteKind.UploadStart && HttpMethods.IsPost(method) && context.Request.Query.ContainsKey("digest")))
        {
            metrics.UploadCompletionTimed(elapsed, status);
        }
    }

    /// <summary>The spec area of a path; <c>null</c> for <c>/v2/</c> itself and paths that are no registry endpoint.</summary>
    private static RegistryRouteKind? Classify(string? path)
    {
        if (path is null || !path.StartsWith("/v2/", StringComparison.Ordinal) || path.Length == 4)
        {
            return null;
        }

        try
        {
            return RegistryRoute.Parse(path[4..])?.Kind;
        }
        catch (OciRegistryException)
        {
            return null;
        }
    }

    private static string EndpointName(RegistryRouteKind? kind) => kind switch
    {
        RegistryRouteKind.Catalog => "catalog",
        RegistryRouteKind.TagList => "tags",
        RegistryRouteKind.Manifest => "manifest",
        RegistryRouteKind.UploadStart => "upload_start",
        RegistryRouteKind.Upload => "upload",
        RegistryRouteKind.Blob => "blob",
        RegistryRouteKind.Referrers => "referrers",
        _ => "other",
    };
}
