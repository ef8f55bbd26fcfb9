namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// The HTTP behaviours of the Go registry that live in the host rather than in the registry library, each driven by
/// a host key a Go configuration maps to (and usable without one): <c>OciRegistry:Http:Prefix</c> (http.prefix),
/// <c>OciRegistry:Http:Host</c> (http.host) and <c>OciRegistry:Http:Headers</c> (http.headers).
/// </summary>
internal static class GoRegistryHttpSettings
{
    public static void UseGoRegistryHttpSettings(this WebApplication app)
    {
        var configuration = app.Configuration;
        if (configuration[GoRegistryConfigurationMapper.PathPrefixKey] is { Length: > 0 } prefix)
        {
            app.UsePathBase(prefix);
            // Routing must run after the prefix is taken off the path.
            app.UseRouting();
        }

        var headers = configuration.GetSection(GoRegistryConfigurationMapper.HeadersSection).GetChildren()
            .Select(header => (header.Key, Values: header.GetChildren().Select(value => value.Value).OfType<string>().ToArray()))
            .Where(header => header.Values.Length > 0)
            .ToList();
        if (headers.Count > 0)
        {
            app.Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    foreach (var (name, values) in headers)
                    {
                        context.Response.Headers[name] = values;
                    }

                    return Task.CompletedTask;
                });
                return next(context);
            });
        }

        if (configuration[GoRegistryConfigurationMapper.ExternalUrlKey] is { Length: > 0 } externalUrl)
        {
            var external = new Uri(externalUrl);
            var host = HostString.FromUriComponent(external);
            app.Use((context, next) =>
            {
                // Like the Go registry: the configured address wins over the request's and a proxy's headers.
                context.Request.Scheme = external.Scheme;
                context.Request.Host = host;
                context.Request.Headers.Remove("X-Forwarded-Proto");
                context.Request.Headers.Remove("X-Forwarded-Host");
                return next(context);
            });
        }
    }
}
