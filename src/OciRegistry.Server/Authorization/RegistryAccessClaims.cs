using System.Security.Claims;

namespace OciRegistry.Authorization;

/// <summary>
/// Grants carried by a principal as claims of type <see cref="ClaimType"/>, each a scope
/// <c>type:name:action,action</c> (<c>repository:team/app:pull,push</c>, <c>repository:*:*</c>). The htpasswd and
/// token schemes issue them; an application's own scheme (or an <c>IClaimsTransformation</c>) may too.
/// A name or action of <c>*</c> matches any.
/// </summary>
public static class RegistryAccessClaims
{
    /// <summary>The claim type of a grant.</summary>
    public const string ClaimType = "oci.registry.access";

    /// <summary>A claim granting <paramref name="actions"/> on <paramref name="type"/>:<paramref name="name"/>.</summary>
    public static Claim Create(string type, string name, IEnumerable<string> actions)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(actions);
        return new Claim(ClaimType, $"{type}:{name}:{string.Join(',', actions)}");
    }

    /// <summary>The claims of a user who may do everything: every action on every repository, and the catalog.</summary>
    public static IReadOnlyList<Claim> FullAccess() =>
    [
        Create(RegistryResourceTypes.Repository, "*", [RegistryActions.All]),
        Create(RegistryResourceTypes.Registry, RegistryResourceTypes.Catalog, [RegistryActions.All]),
    ];

    /// <summary>Whether the grant <paramref name="claimValue"/> covers <paramref name="requirement"/>.</summary>
    public static bool Grants(string claimValue, RegistryAccessRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(claimValue);
        ArgumentNullException.ThrowIfNull(requirement);

        // type:name:actions — the type has no colon and neither have repository names or actions.
        var first = claimValue.IndexOf(':', StringComparison.Ordinal);
        var last = claimValue.LastIndexOf(':');
        if (first <= 0 || last <= first)
        {
            return false;
        }

        var type = claimValue.AsSpan(0, first);
        var name = claimValue.AsSpan(first + 1, last - first - 1);
        if (!type.SequenceEqual(requirement.Type) || !(name.SequenceEqual("*") || name.SequenceEqual(requirement.Name)))
        {
            return false;
        }

        foreach (var range in claimValue.AsSpan(last + 1).Split(','))
        {
            var action = claimValue.AsSpan(last + 1)[range].Trim();
            if (action.SequenceEqual(RegistryActions.All) || action.SequenceEqual(requirement.Action))
            {
                return true;
            }
        }

        return false;
    }
}
