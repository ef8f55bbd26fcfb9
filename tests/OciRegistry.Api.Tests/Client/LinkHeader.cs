using System.Text.RegularExpressions;

namespace OciRegistry.Api.Tests.Client;

/// <summary>The RFC 5988 <c>Link: &lt;url&gt;; rel="next"</c> header of paginated listings.</summary>
public static partial class LinkHeader
{
    /// <summary>The target of the <c>rel="next"</c> link (relative or absolute, as sent), or <c>null</c> when there is none.</summary>
    public static string? Next(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            var match = NextPattern().Match(value);
            if (match.Success)
            {
                return match.Groups["url"].Value;
            }

            Assert.Fail($"Link header '{value}' is not of the form <url>; rel=\"next\"");
        }

        return null;
    }

    [GeneratedRegex("""^\s*<(?<url>[^>]+)>\s*;\s*rel="?next"?\s*$""")]
    private static partial Regex NextPattern();
}
