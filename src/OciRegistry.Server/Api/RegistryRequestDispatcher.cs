using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;
using Microsoft.Extensions.Logging;
using OciRegistry.Authorization;
using OciRegistry.Engine;
using OciRegistry.Errors;
using OciRegistry.Storage;

namespace OciRegistry.Api;

/// <summary>
/// The one endpoint behind <c>/v2/{**path}</c>: parses the path (repository names contain slashes, which
/// route templates cannot express), sends the request to the endpoint class of its spec area, and turns every
/// failure into the OCI error JSON.
/// </summary>
internal sealed partial class RegistryRequestDispatcher(
    BlobEndpoints blobEndpoints,
    UploadEndpoints uploadEndpoints,
    ManifestEndpoints manifestEndpoints,
    ListingEndpoints listingEndpoints,
    RegistryAuthorizer authorizer,
    IOptions<OciRegistryOptions> options,
    IOptionsMonitor<OciRegistryOptions> liveOptions,
    ILogger<RegistryRequestDispatcher> logger)
{
    private const string V2Prefix = "/v2/";

    /// <summary>
    /// Answers <c>GET /v2/</c>: the API version check every client starts with. With authentication on it needs an
    /// authenticated principal, so the 401 challenge tells clients (<c>docker login</c>) how to sign in.
    /// </summary>
    public async Task HandleVersionCheckAsync(HttpContext context)
    {
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        if (!await authorizer.AuthorizeAsync(context, RegistryScopes.VersionCheck).ConfigureAwait(false))
        {
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = 2;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.WriteAsync("{}", context.RequestAborted).ConfigureAwait(false);
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        try
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (path is "/v2" or V2Prefix)
            {
                // GET and HEAD of /v2/ have their own endpoint; any other method lands here.
                throw MethodNotAllowed(context.Request.Method, "GET, HEAD");
            }

            var route = path.StartsWith(V2Prefix, StringComparison.Ordinal) ? RegistryRoute.Parse(path[V2Prefix.Length..]) : null;
            if (route is null)
            {
                await OciErrorResponse.WriteAsync(context, OciErrorCode.Unsupported, "no such registry endpoint", statusCode: StatusCodes.Status404NotFound).ConfigureAwait(false);
                return;
            }

            // Every permission is checked here, before any endpoint runs: a refused request writes nothing.
            if (!await authorizer.AuthorizeAsync(context, RegistryScopes.For(route, context.Request.Method, context.Request.Query)).ConfigureAwait(false))
            {
                return;
            }

            ReadOnlyMode.ThrowIfWrite(context, liveOptions.CurrentValue);
            await DispatchAsync(context, route).ConfigureAwait(false);
        }
        catch (OciRegistryException e)
        {
            await OciErrorResponse.WriteAsync(context, e).ConfigureAwait(false);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals: a body shorter than Content-Length, a malformed chunked body.
            await OciErrorResponse.WriteAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? OciErrorCode.SizeInvalid : OciErrorCode.BlobUploadInvalid,
                e.Message, statusCode: e.StatusCode).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LogStorageUnavailable(logger, e, context.Request.Method, context.Request.Path.Value);
            await OciErrorResponse.WriteAsync(context, OciErrorCode.Unavailable, "the registry's storage is unavailable; retry later").ConfigureAwait(false);
        }
        catch (InvalidStorePathException e)
        {
            await OciErrorResponse.WriteAsync(context, OciErrorCode.NameInvalid, e.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, context.Request.Method, context.Request.Path.Value);
            await OciErrorResponse.WriteAsync(context, OciErrorCode.Unknown, "the registry failed to serve this request; see its log").ConfigureAwait(false);
        }
    }

    private Task DispatchAsync(HttpContext context, RegistryRoute route)
    {
        var method = context.Request.Method;
        var isGet = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        switch (route.Kind)
        {
            case RegistryRouteKind.Catalog when HttpMethods.IsGet(method):
                return listingEndpoints.ListRepositoriesAsync(context);
            case RegistryRouteKind.TagList when HttpMethods.IsGet(method):
                return listingEndpoints.ListTagsAsync(context, route);
            case RegistryRouteKind.Referrers when HttpMethods.IsGet(method):
                return listingEndpoints.ListReferrersAsync(context, route);
            case RegistryRouteKind.Manifest when isGet:
                return manifestEndpoints.GetAsync(context, route);
            case RegistryRouteKind.Manifest when HttpMethods.IsPut(method):
                PrepareBody(context);
                return manifestEndpoints.PutAsync(context, route);
            case RegistryRouteKind.Manifest when HttpMethods.IsDelete(method):
                return manifestEndpoints.DeleteAsync(context, route);
            case RegistryRouteKind.Blob when isGet:
                return blobEndpoints.GetAsync(context, route);
            case RegistryRouteKind.Blob when HttpMethods.IsDelete(method):
                return blobEndpoints.DeleteAsync(context, route);
            case RegistryRouteKind.UploadStart when HttpMethods.IsPost(method):
                PrepareBody(context);
                return uploadEndpoints.StartAsync(context, route);
            case RegistryRouteKind.Upload when HttpMethods.IsGet(method):
                return uploadEndpoints.GetStatusAsync(context, route);
            case RegistryRouteKind.Upload when HttpMethods.IsPatch(method):
                PrepareBody(context);
                return uploadEndpoints.PatchAsync(context, route);
            case RegistryRouteKind.Upload when HttpMethods.IsPut(method):
                PrepareBody(context);
                return uploadEndpoints.PutAsync(context, route);
            case RegistryRouteKind.Upload when HttpMethods.IsDelete(method):
                return uploadEndpoints.CancelAsync(context, route);
            default:
                throw MethodNotAllowed(method, AllowedMethods(route.Kind));
        }
    }

    private static string AllowedMethods(RegistryRouteKind kind) => kind switch
    {
        RegistryRouteKind.Manifest => "GET, HEAD, PUT, DELETE",
        RegistryRouteKind.Blob => "GET, HEAD, DELETE",
        RegistryRouteKind.UploadStart => "POST",
        RegistryRouteKind.Upload => "GET, PATCH, PUT, DELETE",
        _ => "GET",
    };

    private static OciRegistryException MethodNotAllowed(string method, string allowed) =>
        new(OciErrorCode.Unsupported, $"{method} is not supported on this endpoint", statusCode: StatusCodes.Status405MethodNotAllowed)
        {
            Headers = new Dictionary<string, string> { ["Allow"] = allowed },
        };

    /// <summary>
    /// Bodies have no server-wide size limit: blobs stream to storage under <c>Limits:MaxBlobBytes</c>, manifests
    /// under <c>MaxManifestBytes</c>, each checked while reading. A client sending slower than
    /// <c>Limits:MinRequestBodyBytesPerSecond</c> is cut off (Kestrel's data rate check, set per request).
    /// </summary>
    private void PrepareBody(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = null;
        }

        var limits = options.Value.Limits;
        if (limits.MinRequestBodyBytesPerSecond > 0 && context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.RequestBodyGracePeriod);
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Storage unavailable while serving {Method} {Path}")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception, string method, string? path);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string? path);
}
