using System.Text.RegularExpressions;
using OciRegistry.Content;
using OciRegistry.Errors;
using OciRegistry.Engine;

namespace OciRegistry.Api;

/// <summary>What a request under <c>/v2/</c> addresses.</summary>
internal enum RegistryRouteKind
{
    Catalog,
    TagList,
    Manifest,
    UploadStart,
    Upload,
    Blob,
    Referrers,
}

/// <summary>
/// A parsed <c>/v2/...</c> path. Repository names contain slashes, so the path is matched from its end
/// (the part after the name never contains one) and the name is then checked against the grammar.
/// </summary>
internal sealed partial record RegistryRoute(RegistryRouteKind Kind, RepositoryName Name, string? Argument)
{
    /// <summary>Parses the path after <c>/v2/</c>; <c>null</c> when it is no registry endpoint.</summary>
    /// <exception cref="OciRegistryException">NAME_INVALID for a repository name outside the grammar.</exception>
    public static RegistryRoute? Parse(string path)
    {
        if (path == "_catalog")
        {
            return new RegistryRoute(RegistryRouteKind.Catalog, default, null);
        }

        // A name is at most 255 characters and the rest of a valid path far shorter: longer paths are no endpoint.
        if (path.Length > 1024)
        {
            return null;
        }

        var match = Pattern().Match(path);
        if (!match.Success)
        {
            return null;
        }

        var kind = match.Groups["tags"].Success ? RegistryRouteKind.TagList
            : match.Groups["manifest"].Success ? RegistryRouteKind.Manifest
            : match.Groups["upload"].Success ? RegistryRouteKind.Upload
            : match.Groups["uploads"].Success ? RegistryRouteKind.UploadStart
            : match.Groups["blob"].Success ? RegistryRouteKind.Blob
            : RegistryRouteKind.Referrers;
        var argument = kind switch
        {
            RegistryRouteKind.Manifest => match.Groups["manifest"].Value,
            RegistryRouteKind.Upload => match.Groups["upload"].Value,
            RegistryRouteKind.Blob => match.Groups["blob"].Value,
            RegistryRouteKind.Referrers => match.Groups["referrers"].Value,
            _ => null,
        };

        var nameText = match.Groups["name"].Value;
        if (!RepositoryName.TryParse(nameText, out var name))
        {
            throw new OciRegistryException(OciErrorCode.NameInvalid, $"'{nameText}' is not a valid repository name", new { name = nameText });
        }

        return new RegistryRoute(kind, name, argument);
    }

    [GeneratedRegex(
        @"^(?<name>.+?)/(?:tags/list(?<tags>)|manifests/(?<manifest>[^/]+)|blobs/uploads/(?<upload>[^/]+)|blobs/uploads/?(?<uploads>)|blobs/(?<blob>[^/]+)|referrers/(?<referrers>[^/]+))$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();
}
