using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Engine.Manifests;
using OciRegistry.Errors;
using OciRegistry.Telemetry;

namespace OciRegistry.Api;

/// <summary><c>GET|HEAD|PUT|DELETE /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
internal sealed class ManifestEndpoints(ManifestService manifests, RegistryUrls urls, IOptions<OciRegistryOptions> options, RegistryMetrics metrics)
{
    public async Task GetAsync(HttpContext context, RegistryRoute route)
    {
        var reference = ManifestReference.Parse(route.Argument!);
        var cancellationToken = context.RequestAborted;
        var manifest = await manifests.GetAsync(route.Name, reference, cancellationToken).ConfigureAwait(false);
        if (reference.Tag is not null)
        {
            manifest = await NegotiateAsync(route.Name, manifest, context.Request.Headers.Accept, cancellationToken).ConfigureAwait(false);
        }

        metrics.ManifestPulled();
        var response = context.Response;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Content.Length;
        response.Headers[RegistryHeaders.ContentDigest] = manifest.Digest.ToString();
        response.Headers.ETag = $"\"{manifest.Digest}\"";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(manifest.Content, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PutAsync(HttpContext context, RegistryRoute route)
    {
        var reference = ManifestReference.Parse(route.Argument!);
        var limit = options.Value.MaxManifestBytes;
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var content = await ReadBoundedAsync(request.Body, limit, context.RequestAborted).ConfigureAwait(false) ?? throw TooLarge(limit);
        var result = await manifests.PutAsync(route.Name, reference, request.ContentType, content, context.RequestAborted).ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = urls.For(context, $"/v2/{route.Name.Value}/manifests/{result.Digest}");
        response.Headers[RegistryHeaders.ContentDigest] = result.Digest.ToString();
        if (result.Subject is { } subject)
        {
            response.Headers[RegistryHeaders.OciSubject] = subject.ToString();
        }

        response.ContentLength = 0;
    }

    public async Task DeleteAsync(HttpContext context, RegistryRoute route)
    {
        BlobEndpoints.EnsureDeleteEnabled(options.Value);
        var reference = ManifestReference.Parse(route.Argument!);
        await manifests.DeleteAsync(route.Name, reference, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// A client that cannot read indexes (an old Docker) asking for a multi-platform tag gets the linux/amd64
    /// image, as from distribution. Otherwise the stored manifest is served as is: a digest pins content, and
    /// refusing would only break clients with a partial Accept list.
    /// </summary>
    private async Task<StoredManifest> NegotiateAsync(RepositoryName name, StoredManifest manifest, Microsoft.Extensions.Primitives.StringValues accept, CancellationToken cancellationToken)
    {
        var accepted = ParseAccept(accept);
        if (accepted.Count == 0 || accepted.Contains("*/*") || accepted.Contains(manifest.MediaType) || !MediaTypes.IsIndex(manifest.MediaType))
        {
            return manifest;
        }

        var document = ManifestDocument.ReadStored(manifest.Content);
        foreach (var child in document.Manifests)
        {
            if (IsLinuxAmd64(child.Platform) && (child.MediaType is null || accepted.Contains(child.MediaType)) &&
                await manifests.GetByDigestAsync(name, child.Digest, cancellationToken).ConfigureAwait(false) is { } selected)
            {
                return selected;
            }
        }

        return manifest;
    }

    private static HashSet<string> ParseAccept(Microsoft.Extensions.Primitives.StringValues accept)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in accept)
        {
            foreach (var part in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var semicolon = part.IndexOf(';', StringComparison.Ordinal);
                result.Add((semicolon >= 0 ? part[..semicolon] : part).Trim());
            }
        }

        return result;
    }

    private static bool IsLinuxAmd64(JsonElement? platform) =>
        platform is { } p &&
        p.TryGetProperty("os", out var os) && os.ValueKind == JsonValueKind.String && os.GetString() == "linux" &&
        p.TryGetProperty("architecture", out var arch) && arch.ValueKind == JsonValueKind.String && arch.GetString() == "amd64";

    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static OciRegistryException TooLarge(int limit) =>
        new(OciErrorCode.ManifestTooLarge, $"the manifest exceeds the limit of {limit} bytes", new { limit });
}
