using Microsoft.AspNetCore.Http;
using OciRegistry.Api;
using OciRegistry.Content;

namespace OciRegistry.Authorization;

/// <summary>
/// The one place that says which permissions each registry request needs. The dispatcher asks before it serves a
/// request; nothing else decides access.
/// </summary>
internal static class RegistryScopes
{
    /// <summary>What <c>GET /v2/</c> needs: any authenticated principal, no particular permission.</summary>
    public static IReadOnlyList<RegistryAccessRequirement> VersionCheck { get; } = [];

    /// <summary>The permissions a <paramref name="method"/> request on <paramref name="route"/> needs.</summary>
    public static IReadOnlyList<RegistryAccessRequirement> For(RegistryRoute route, string method, IQueryCollection query)
    {
        if (route.Kind == RegistryRouteKind.Catalog)
        {
            return [new RegistryAccessRequirement(RegistryResourceTypes.Registry, RegistryResourceTypes.Catalog, RegistryActions.All)];
        }

        var name = route.Name.Value;
        var action = route.Kind switch
        {
            RegistryRouteKind.UploadStart or RegistryRouteKind.Upload => RegistryActions.Push,
            RegistryRouteKind.Manifest when HttpMethods.IsPut(method) => RegistryActions.Push,
            RegistryRouteKind.Manifest or RegistryRouteKind.Blob when HttpMethods.IsDelete(method) => RegistryActions.Delete,
            _ => RegistryActions.Pull,
        };
        var target = new RegistryAccessRequirement(RegistryResourceTypes.Repository, name, action);

        // A cross-repository mount reads the source: it needs pull there as well as push here.
        if (route.Kind == RegistryRouteKind.UploadStart && query.ContainsKey("mount") &&
            RepositoryName.TryParse(query["from"].ToString(), out var from) && from.Value != name)
        {
            return [target, new RegistryAccessRequirement(RegistryResourceTypes.Repository, from.Value, RegistryActions.Pull)];
        }

        return [target];
    }

    /// <summary>
    /// The <c>scope</c> of a challenge for <paramref name="required"/>: one <c>type:name:actions</c> per resource,
    /// space-separated. A push asks for <c>pull,push</c>, as clients do (they read back what they push).
    /// </summary>
    public static string Challenge(IReadOnlyList<RegistryAccessRequirement> required) =>
        string.Join(' ', required
            .GroupBy(r => (r.Type, r.Name))
            .Select(g =>
            {
                var actions = g.Select(r => r.Action).ToList();
                if (actions.Contains(RegistryActions.Push) && !actions.Contains(RegistryActions.Pull))
                {
                    actions.Insert(0, RegistryActions.Pull);
                }

                return $"{g.Key.Type}:{g.Key.Name}:{string.Join(',', actions.Distinct())}";
            }));
}
