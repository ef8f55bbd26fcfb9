using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OciRegistry.Authorization;
using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Engine.Blobs;
using OciRegistry.Engine.Uploads;
using OciRegistry.Errors;
using OciRegistry.Limits;

namespace OciRegistry.Api;

/// <summary>
/// <c>POST /v2/&lt;name&gt;/blobs/uploads/</c> (start, monolithic, mount) and
/// <c>GET|PATCH|PUT|DELETE /v2/&lt;name&gt;/blobs/uploads/&lt;id&gt;</c>.
/// </summary>
internal sealed class UploadEndpoints(
    UploadService uploads,
    BlobService blobs,
    UploadTokenSigner signer,
    RegistryUrls urls,
    RegistryAuthorizer authorizer,
    OpenUploadLimiter openUploads,
    IOptions<OciRegistryOptions> options)
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
            var limit = MaxBlobBytes;
            if (context.Request.ContentLength > limit)
            {
                throw BlobTooLarge(limit);
            }

            // UploadAsync deletes the upload on any failure, a body growing past the limit included.
            await uploads.UploadAsync(route.Name, digest, new BoundedReadStream(context.Request.Body, limit, () => BlobTooLarge(limit)), cancellationToken).ConfigureAwait(false);
            Created(context, route.Name, digest);
            return;
        }

        var reservation = openUploads.Reserve(context);
        string id;
        try
        {
            id = await uploads.StartAsync(route.Name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            openUploads.Close(context, reservation);
            throw;
        }

        openUploads.Opened(context, reservation, route.Name, id);
        await AcceptedAsync(context, route.Name, id, 0, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    public async Task GetStatusAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        var offset = await uploads.GetOffsetAsync(route.Name, id, context.RequestAborted).ConfigureAwait(false);
        openUploads.Touch(context, route.Name, id);
        await AcceptedAsync(context, route.Name, id, offset, StatusCodes.Status204NoContent).ConfigureAwait(false);
    }

    public async Task PatchAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        var length = await AppendBodyAsync(context, route, id).ConfigureAwait(false);
        openUploads.Touch(context, route.Name, id);
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
        try
        {
            if (HasBody(context))
            {
                await AppendBodyAsync(context, route, id).ConfigureAwait(false);
            }

            await uploads.CompleteAsync(route.Name, id, digest, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            // Completed, or refused (a failed completion deletes the upload or leaves it to be retried): it stops
            // counting either way; an upload left over is also released by the idle timeout.
            openUploads.Close(context, OpenUploadLimiter.Key(route.Name, id));
        }

        Created(context, route.Name, digest);
    }

    public async Task CancelAsync(HttpContext context, RegistryRoute route)
    {
        var id = await VerifiedUploadIdAsync(context, route).ConfigureAwait(false);
        await uploads.CancelAsync(route.Name, id, context.RequestAborted).ConfigureAwait(false);
        openUploads.Close(context, OpenUploadLimiter.Key(route.Name, id));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// Appends the request body at the upload's end. The body may not take the upload past <c>MaxBlobBytes</c>, nor
    /// differ from what its <c>Content-Range</c> announced: either refusal deletes the whole upload, since bytes of a
    /// body that lied about itself cannot be trusted to be what the client meant.
    /// </summary>
    private async Task<long> AppendBodyAsync(HttpContext context, RegistryRoute route, string id)
    {
        var cancellationToken = context.RequestAborted;
        var offset = await uploads.GetOffsetAsync(route.Name, id, cancellationToken).ConfigureAwait(false);
        var request = context.Request;
        var contentRange = request.Headers.ContentRange.ToString();
        var limit = MaxBlobBytes;
        try
        {
            long? announced = null;
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

                announced = end - start + 1;
                if (request.ContentLength is { } contentLength && contentLength != announced)
                {
                    throw new OciRegistryException(OciErrorCode.SizeInvalid,
                        $"Content-Range {start}-{end} announces {announced} bytes but Content-Length is {contentLength}");
                }
            }

            var allowed = limit - offset;
            if ((request.ContentLength ?? announced) > allowed)
            {
                await CancelAndForgetAsync(context, route, id).ConfigureAwait(false);
                throw BlobTooLarge(limit);
            }

            var body = new BoundedReadStream(request.Body, Math.Min(allowed, announced ?? long.MaxValue),
                () => announced is { } size && size < allowed ? RangeLied(contentRange) : BlobTooLarge(limit));
            long length;
            try
            {
                length = await uploads.AppendAsync(route.Name, id, offset, body, cancellationToken).ConfigureAwait(false);
            }
            catch (OciRegistryException e) when (e.Code == OciErrorCode.SizeInvalid || e.Code == OciErrorCode.BlobUploadInvalid)
            {
                await CancelAndForgetAsync(context, route, id).ConfigureAwait(false);
                throw;
            }

            if (announced is { } expected && length - offset != expected)
            {
                await CancelAndForgetAsync(context, route, id).ConfigureAwait(false);
                throw RangeLied(contentRange);
            }

            // A body cut short (a client too slow for the minimum data rate, a dropped connection) can end without an
            // error from the server; what arrived stays in the upload, which resumes from the Range the client asks for.
            if (request.ContentLength is { } sent && length - offset != sent)
            {
                throw new OciRegistryException(OciErrorCode.BlobUploadInvalid,
                    $"the body ended after {length - offset} of its {sent} bytes; the upload holds {length} bytes");
            }

            return length;
        }
        catch (OciRegistryException e) when (e.Code == OciErrorCode.RangeInvalid || e.Code == OciErrorCode.Unavailable)
        {
            // The client needs the upload's address to resume from the Range we report (or to send the chunk again).
            context.Response.Headers.Location = await UploadLocationAsync(context, route.Name, id).ConfigureAwait(false);
            context.Response.Headers[RegistryHeaders.UploadUuid] = id;
            throw;
        }
    }

    private long MaxBlobBytes => options.Value.Limits.MaxBlobBytes is > 0 and var limit ? limit : long.MaxValue;

    private async Task CancelAndForgetAsync(HttpContext context, RegistryRoute route, string id)
    {
        await uploads.CancelAsync(route.Name, id, CancellationToken.None).ConfigureAwait(false);
        openUploads.Close(context, OpenUploadLimiter.Key(route.Name, id));
    }

    private static OciRegistryException BlobTooLarge(long limit) =>
        new(OciErrorCode.SizeInvalid, $"blobs are limited to {limit} bytes; the upload is deleted", new { limit },
            StatusCodes.Status413PayloadTooLarge);

    private static OciRegistryException RangeLied(string contentRange) =>
        new(OciErrorCode.BlobUploadInvalid, $"the body does not match its Content-Range '{contentRange}'; the upload is deleted");

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
