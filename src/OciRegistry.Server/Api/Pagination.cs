using System.Globalization;
using Microsoft.AspNetCore.Http;
using OciRegistry.Engine;
using OciRegistry.Errors;

namespace OciRegistry.Api;

/// <summary>The <c>n</c>/<c>last</c> query of tag and catalog listings, and the <c>Link</c> header to the next page.</summary>
internal static class Pagination
{
    public static (int? Limit, string? Last) Read(HttpRequest request)
    {
        int? limit = null;
        var n = request.Query["n"].ToString();
        if (n.Length > 0)
        {
            if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new OciRegistryException(OciErrorCode.PaginationNumberInvalid, $"n must be a non-negative integer, not '{n}'");
            }

            limit = parsed;
        }

        var last = request.Query["last"].ToString();
        return (limit, last.Length > 0 ? last : null);
    }

    public static void AddNextLink(HttpContext context, RegistryUrls urls, string path, Page page, int? limit)
    {
        if (!page.HasMore || page.Items.Count == 0)
        {
            return;
        }

        var query = QueryString.Create(new KeyValuePair<string, string?>[]
        {
            new("n", (limit ?? page.Items.Count).ToString(CultureInfo.InvariantCulture)),
            new("last", page.Items[^1]),
        });
        context.Response.Headers.Link = $"<{urls.For(context, path)}{query.ToUriComponent()}>; rel=\"next\"";
    }
}
