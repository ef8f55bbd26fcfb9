using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api;

/// <summary>
/// Builds the URLs the registry hands out in <c>Location</c> and <c>Link</c> headers. Behind a proxy the client
/// must get the proxy's address, so <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> win over the request's own.
/// </summary>
internal sealed class RegistryUrls(IOptions<OciRegistryOptions> options)
{
    public string For(HttpContext context, string path)
    {
        var request = context.Request;
        var relative = request.PathBase.Add(path).ToUriComponent();
        if (options.Value.Http.RelativeUrls)
        {
            return relative;
        }

        var scheme = FirstValue(request.Headers["X-Forwarded-Proto"]) is { } forwardedScheme &&
                     (forwardedScheme.Equals("http", StringComparison.OrdinalIgnoreCase) || forwardedScheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            ? forwardedScheme.ToLowerInvariant()
            : request.Scheme;
        var host = FirstValue(request.Headers["X-Forwarded-Host"]) is { } forwardedHost && IsPlausibleHost(forwardedHost)
            ? forwardedHost
            : request.Host.ToUriComponent();
        return $"{scheme}://{host}{relative}";
    }

    private static string? FirstValue(Microsoft.Extensions.Primitives.StringValues values)
    {
        var first = values.Count > 0 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(first))
        {
            return null;
        }

        var comma = first.IndexOf(',', StringComparison.Ordinal);
        return (comma >= 0 ? first[..comma] : first).Trim();
    }

    private static bool IsPlausibleHost(string host) =>
        host.Length is > 0 and <= 255 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']' or '_');
}
