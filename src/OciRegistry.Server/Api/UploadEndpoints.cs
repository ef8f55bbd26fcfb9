using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OciRegistry.Authorization;
using OciRegistry.Content;
using OciRegistry.Engine;
using OciRegistry.Engine.Blobs;
using OciRegistry.Engine.Uploads;
using OciRegistry.Errors;

namespace OciRegistry.Api;

/// <summary>
/// <c>POST /v2/&lt;name&gt;/blobs/uploads/</c> (start, monolithic, mount) and
/// <c>GET|PATCH|PUT|DELETE /v2/&lt;name&gt;/blobs/uploads/&lt;id&gt;</c>.
/// </summary>
internal sealed class UploadEndpoints(UploadService uploads, BlobService blobs, UploadTokenSigner signer, RegistryUrls urls, RegistryAuthorizer authorizer)
{
    public async Task StartAsync(HttpContext context, RegistryRoute route)
    {
        var query = context.Request.Query;
        var cancellationToken = context.RequestAborted;
        if (query.ContainsKey("mount"))
        {
            var digest = BlobEndpoints.ParseDigest(query["mount"].ToString());
            RepositoryName? from = null;
            var fromText = query["from"].ToString();
            if (fromText.Length > 0)
            {
                from = RepositoryName.TryParse(fromText, out var source)
                    ? source
                    : throw new OciRegistryException(OciErrorCode.NameInvalid, $"'{fromText}' is not a valid repository name", new { name = fromText });
            }

            // Without 'from', an open registry mounts any stored blob: the client proves it knows the content by its
            // digest. With authorization on, a digest is no proof of read access, so that becomes a plain upload.
            if ((from is not null || !authorizer.IsEnforced) &&
                await blobs.TryMountAsync(route.Name, digest, from, cancellationToken).ConfigureAwait(false))
            {
                Created(context, route.Name, digest);
                return;
            }
        }
        else if (query.ContainsKey("digest"))
        {
            var digest = BlobEndpoints.ParseDigest(query["digest"].ToString());
            await uploads.UploadAsync(route.Name, digest, context.Request.Body, cancellationToken).ConfigureAwait(false);
            Created(context, route.Name, digest);
            return;
        }

        var id = await uploads.StartAsync(route.Name, cancellationToken).ConfigureAwait(false);
        await AcceptedAsync(context, route.Name, id, 0, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    public async Task GetStatusAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        var offset = await uploads.GetOffsetAsync(route.Name, id, context.RequestAborted).ConfigureAwait(false);
        await AcceptedAsync(context, route.Name, id, offset, StatusCodes.Status204NoContent).ConfigureAwait(false);
    }

    public async Task PatchAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        var length = await AppendBodyAsync(context, route, id).ConfigureAwait(false);
        await AcceptedAsync(context, route.Name, id, length, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    public async Task PutAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        var digestText = context.Request.Query["digest"].ToString();
        if (digestText.Length == 0)
        {
            throw new OciRegistryException(OciErrorCode.DigestInvalid, "the digest query parameter is required to complete an upload");
        }

        var digest = BlobEndpoints.ParseDigest(digestText);
        if (HasBody(context))
        {
            await AppendBodyAsync(context, route, id).ConfigureAwait(false);
        }

        await uploads.CompleteAsync(route.Name, id, digest, context.RequestAborted).ConfigureAwait(false);
        Created(context, route.Name, digest);
    }

    public async Task CancelAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        await uploads.CancelAsync(route.Name, id, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentLength = 0;
    }

    private async Task<long> AppendBodyAsync(HttpContext context, RegistryRoute route, string id)
    {
        var cancellationToken = context.RequestAborted;
        var offset = await uploads.GetOffsetAsync(route.Name, id, cancellationToken).ConfigureAwait(false);
        var request = context.Request;
        var contentRange = request.Headers.ContentRange.ToString();
        try
        {
            if (contentRange.Length > 0)
            {
                if (!HttpRanges.TryParseContentRange(contentRange, out var start, out var end))
                {
                    throw new OciRegistryException(OciErrorCode.BlobUploadInvalid, $"invalid Content-Range '{contentRange}'");
                }

                if (start != offset)
                {
                    throw UploadService.OutOfOrder(offset);
                }

                if (request.ContentLength is { } contentLength && contentLength != end - start + 1)
                {
                    throw new OciRegistryException(OciErrorCode.SizeInvalid,
                        $"Content-Range {start}-{end} announces {end - start + 1} bytes but Content-Length is {contentLength}");
                }
            }

            return await uploads.AppendAsync(route.Name, id, offset, request.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (OciRegistryException e) when (e.Code == OciErrorCode.RangeInvalid)
        {
            // The client needs the upload's address to resume from the Range we report.
            context.Response.Headers.Location = await UploadLocationAsync(context, route.Name, id).ConfigureAwait(false);
            context.Response.Headers[RegistryHeaders.UploadUuid] = id;
            throw;
        }
    }

    private static bool HasBody(HttpContext context) =>
        context.Request.ContentLength > 0 ||
        (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    /// <summary>
    /// The upload id of the URL, refused when the URL carries a <c>_state</c> token this registry did not sign. A URL
    /// without one is accepted: the random id alone already names the upload, and some proxies drop query strings.
    /// </summary>
    private async Task<string> VerifiedUploadIdAsync(HttpContext context, RegistryRoute route)
    {
        var id = route.Argument!;
        var token = context.Request.Query[StateParameter].ToString();
        if (token.Length > 0 && !await signer.VerifyAsync(route.Name, id, token, context.RequestAborted).ConfigureAwait(false))
        {
            throw new OciRegistryException(OciErrorCode.BlobUploadUnknown, "the upload URL's state token is not valid for this registry");
        }

        return id;
    }

    private async Task<string> UploadLocationAsync(HttpContext context, RepositoryName name, string id)
    {
        var token = await signer.CreateAsync(name, id, context.RequestAborted).ConfigureAwait(false);
        return urls.For(context, UploadPath(name, id)) + "?" + StateParameter + "=" + token;
    }

    private async Task AcceptedAsync(HttpContext context, RepositoryName name, string id, long length, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.Location = await UploadLocationAsync(context, name, id).ConfigureAwait(false);
        response.Headers.Range = UploadService.FormatRange(length);
        response.Headers[RegistryHeaders.UploadUuid] = id;
        response.ContentLength = 0;
    }

    private void Created(HttpContext context, RepositoryName name, Digest digest)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = urls.For(context, $"/v2/{name.Value}/blobs/{digest}");
        response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        response.ContentLength = 0;
    }

    private const string StateParameter = "_state";

    private static string UploadPath(RepositoryName name, string id) => $"/v2/{name.Value}/blobs/uploads/{id}";
}
