using static OciRegistry.Host.GoRegistryConfiguration.GoRegistryConfigurationMapper;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// Maps the <c>auth</c> section onto <c>OciRegistry:Auth</c>. An auth section this registry cannot honour is an
/// error: serving without it would open the registry to anyone.
/// </summary>
internal static class GoRegistryAuthMapping
{
    private const string Auth = "OciRegistry:Auth";

    public static void Map(GoConfigSection top, IDictionary<string, string?> settings)
    {
        if (top.Node("auth") is GoConfigScalar { Value: { } bareType })
        {
            top.Error("auth", $"names the auth type '{bareType}' without its parameters.");
            return;
        }

        var auth = top.Section("auth");
        if (auth is null)
        {
            return;
        }

        var types = auth.Keys.ToList();
        if (types.Count > 1)
        {
            auth.Findings.Add(new(GoRegistryFindingSeverity.Error, auth.Path, auth.Origin, $"names several auth types ({string.Join(", ", types)}); exactly one is allowed."));
            return;
        }

        if (auth.Section("htpasswd") is { } htpasswd)
        {
            var path = htpasswd.String("path");
            if (string.IsNullOrWhiteSpace(path))
            {
                htpasswd.Error("path", "is missing: the htpasswd file to check passwords against.");
            }

            SetIfPresent(settings, $"{Auth}:Htpasswd:Path", path);
            SetIfPresent(settings, $"{Auth}:Htpasswd:Realm", htpasswd.String("realm"));
            htpasswd.ReportUnread();
        }
        else if (auth.Section("token") is { } token)
        {
            MapToken(token, settings);
        }

        foreach (var other in types.Where(type => type is not ("htpasswd" or "token")))
        {
            auth.Error(other, $"the auth type '{other}' is not supported (htpasswd, token): serving without it would let anyone in.");
        }
    }

    private static void MapToken(GoConfigSection token, IDictionary<string, string?> settings)
    {
        foreach (var (goKey, key) in new[] { ("realm", "Realm"), ("service", "Service"), ("issuer", "Issuer") })
        {
            var value = token.String(goKey);
            if (string.IsNullOrWhiteSpace(value))
            {
                token.Error(goKey, "is missing; token authentication needs realm, service, issuer and rootcertbundle (or jwks).");
            }

            SetIfPresent(settings, $"{Auth}:Token:{key}", value);
        }

        var bundle = token.String("rootcertbundle");
        var jwks = token.String("jwks");
        if (bundle is not null && jwks is not null)
        {
            token.Error("jwks", "and rootcertbundle are both set; this registry reads one key file: a PEM bundle or a JWKS.");
        }
        else if ((bundle ?? jwks) is { } keys)
        {
            settings[$"{Auth}:Token:SigningKeys"] = keys;
            if (bundle is not null)
            {
                token.Findings.Add(new(GoRegistryFindingSeverity.Note, token.KeyPath("rootcertbundle"), token.OriginOf("rootcertbundle"),
                    "a token must be signed by the key of a certificate in the bundle; a chain (x5c) up to a CA in it is not followed, so such tokens are refused."));
            }
        }
        else
        {
            token.Error("rootcertbundle", "is missing: the certificates (or, as jwks, the keys) that sign tokens.");
        }

        token.Report("autoredirect", GoRegistryFindingSeverity.Warning, "the realm is used as configured; ignored.");
        token.Report("signingalgorithms", GoRegistryFindingSeverity.Warning, "the algorithm follows the signing key; ignored.");
        token.ReportUnread();
    }
}
