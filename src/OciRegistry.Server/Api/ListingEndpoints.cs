using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OciRegistry.Content;
using OciRegistry.Engine.Catalog;
using OciRegistry.Engine.Manifests;
using OciRegistry.Engine.Referrers;
using OciRegistry.Engine.Tags;

namespace OciRegistry.Api;

/// <summary>
/// The three listings: <c>GET /v2/&lt;name&gt;/tags/list</c>, <c>GET /v2/_catalog</c> and
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>.
/// </summary>
internal sealed class ListingEndpoints(TagService tags, CatalogService catalog, ReferrerService referrers, ManifestService manifests, RegistryUrls urls)
{
    public async Task ListTagsAsync(HttpContext context, RegistryRoute route)
    {
        var (limit, last) = Pagination.Read(context.Request);
        var page = await tags.ListAsync(route.Name, limit, last, context.RequestAborted).ConfigureAwait(false);
        Pagination.AddNextLink(context, urls, $"/v2/{route.Name.Value}/tags/list", page, limit);
        await WriteJsonAsync(context, Json, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", route.Name.Value);
            writer.WriteStartArray("tags");
            foreach (var tag in page.Items)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public async Task ListRepositoriesAsync(HttpContext context)
    {
        var (limit, last) = Pagination.Read(context.Request);
        var page = await catalog.ListAsync(limit, last, context.RequestAborted).ConfigureAwait(false);
        Pagination.AddNextLink(context, urls, "/v2/_catalog", page, limit);
        await WriteJsonAsync(context, Json, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("repositories");
            foreach (var name in page.Items)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public async Task ListReferrersAsync(HttpContext context, RegistryRoute route)
    {
        var subject = BlobEndpoints.ParseDigest(route.Argument);
        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = artifactType.Length > 0 ? artifactType : null;
        var cancellationToken = context.RequestAborted;
        var descriptors = await referrers.ListAsync(route.Name, subject, filter,
            digest => manifests.GetByDigestAsync(route.Name, digest, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (filter is not null)
        {
            context.Response.Headers[RegistryHeaders.OciFiltersApplied] = "artifactType";
        }

        await WriteJsonAsync(context, MediaTypes.OciIndex, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciIndex);
            writer.WriteStartArray("manifests");
            foreach (var descriptor in descriptors)
            {
                writer.WriteStartObject();
                writer.WriteString("mediaType", descriptor.MediaType);
                writer.WriteString("digest", descriptor.Digest.ToString());
                writer.WriteNumber("size", descriptor.Size);
                if (descriptor.ArtifactType is not null)
                {
                    writer.WriteString("artifactType", descriptor.ArtifactType);
                }

                if (descriptor.Annotations is { } annotations)
                {
                    writer.WritePropertyName("annotations");
                    annotations.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private const string Json = "application/json; charset=utf-8";

    private static async Task WriteJsonAsync(HttpContext context, string contentType, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.ContentType = contentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
