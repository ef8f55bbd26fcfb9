using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using OciRegistry.Content;
using OciRegistry.Engine;
using OciRegistry.Engine.Blobs;
using OciRegistry.Errors;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;
using OciRegistry.Telemetry;

namespace OciRegistry.Api;

/// <summary><c>GET|HEAD|DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
internal sealed class BlobEndpoints(BlobService blobs, IOptions<OciRegistryOptions> options, RegistryMetrics metrics)
{
    private const int CopyBufferSize = 256 * 1024;

    public async Task GetAsync(HttpContext context, RegistryRoute route)
    {
        var digest = ParseDigest(route.Argument);
        var cancellationToken = context.RequestAborted;
        var length = await blobs.GetLengthAsync(route.Name, digest, cancellationToken).ConfigureAwait(false)
            ?? throw new OciRegistryException(OciErrorCode.BlobUnknown, detail: new { digest = digest.ToString() });

        var response = context.Response;
        response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        response.Headers.ETag = $"\"{digest}\"";
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "max-age=31536000";
        response.ContentType = MediaTypes.OctetStream;

        var redirect = options.Value.Storage.Redirect;
        if (redirect.Enabled && HttpMethods.IsGet(context.Request.Method) &&
            await blobs.GetDownloadUriAsync(digest, redirect.Lifetime, cancellationToken).ConfigureAwait(false) is { } direct)
        {
            // The URL expires: the redirect itself must not be cached like the immutable blob is.
            response.Headers.CacheControl = "no-store";
            response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            response.Headers.Location = direct.AbsoluteUri;
            response.ContentLength = 0;
            return;
        }

        var range = HttpRanges.ParseRange(context.Request.Headers.Range, length);
        if (range is { Satisfiable: false })
        {
            throw new OciRegistryException(OciErrorCode.RangeInvalid, $"the blob has {length} bytes")
            {
                Headers = new Dictionary<string, string> { ["Content-Range"] = $"bytes */{length}" },
            };
        }

        var start = range?.Start ?? 0;
        var count = range?.Length ?? length;
        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + count - 1}/{length}";
        }

        response.ContentLength = count;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using var content = await blobs.OpenReadAsync(digest, start, count, cancellationToken).ConfigureAwait(false);
        await CopyToResponseAsync(content, response.BodyWriter, count, cancellationToken).ConfigureAwait(false);
        metrics.BytesSent(count);
    }

    // Reads the blob straight into the response's pipe: one copy fewer than through a buffer and Response.Body.
    private static async Task CopyToResponseAsync(Stream content, PipeWriter writer, long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var memory = writer.GetMemory((int)Math.Min(CopyBufferSize, count));
            var read = await content.ReadAsync(memory[..(int)Math.Min(memory.Length, count)], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                // Shorter than its size: Kestrel ends the response as incomplete (Content-Length not reached).
                return;
            }

            writer.Advance(read);
            count -= read;
            var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return;
            }
        }
    }

    public async Task DeleteAsync(HttpContext context, RegistryRoute route)
    {
        EnsureDeleteEnabled(options.Value);
        var digest = ParseDigest(route.Argument);
        await blobs.DeleteAsync(route.Name, digest, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    public static void EnsureDeleteEnabled(OciRegistryOptions options)
    {
        if (!options.Storage.DeleteEnabled)
        {
            throw new OciRegistryException(OciErrorCode.Unsupported, "deletes are disabled on this registry");
        }
    }

    public static Digest ParseDigest(string? text) =>
        Digest.TryParse(text, out var digest)
            ? digest
            : throw new OciRegistryException(OciErrorCode.DigestInvalid, $"'{text}' is not a valid sha256 or sha512 digest");
}
