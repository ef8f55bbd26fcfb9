using System.Security.Cryptography;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// Adds <c>Content-MD5</c> to multi-object deletes (<c>POST ?delete</c>). The S3 API requires an integrity header
/// there; AWSSDK v4 sends only its newer <c>x-amz-checksum-*</c> one, which services such as OpenStack Swift's
/// s3api do not know, so they refuse the request. Amazon S3 accepts both.
/// </summary>
internal sealed class ContentMd5Handler : DelegatingHandler
{
    public ContentMd5Handler(HttpMessageHandler innerHandler) : base(innerHandler) { }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && request.Content is { } content && content.Headers.ContentMD5 is null && IsMultiObjectDelete(request.RequestUri))
        {
            // The body is a small XML document the SDK already holds in memory.
            var body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA5351 // The S3 protocol asks for MD5 as a checksum here; it protects nothing secret.
            content.Headers.ContentMD5 = MD5.HashData(body);
#pragma warning restore CA5351
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsMultiObjectDelete(Uri? uri)
    {
        var query = uri?.Query;
        if (string.IsNullOrEmpty(query))
        {
            return false;
        }

        foreach (var parameter in query.TrimStart('?').Split('&'))
        {
            if (parameter == "delete" || parameter.StartsWith("delete=", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
