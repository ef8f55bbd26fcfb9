using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OciRegistry.Authentication.Htpasswd;
using OciRegistry.Authentication.Token;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authorization;

/// <summary>Registers the registry's authentication schemes and authorization on ASP.NET Core's own services.</summary>
internal static class RegistryAuthServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddAuthorization();

        // Both schemes are always registered (cheap); only those configured are used (RegistryAuthorizer.Schemes).
        // An application that already registered a scheme of the same name keeps its own.
        services.AddAuthentication();
        services.Configure<AuthenticationOptions>(o =>
        {
            if (!o.SchemeMap.ContainsKey(OciRegistryAuthenticationSchemes.Htpasswd))
            {
                o.AddScheme<HtpasswdAuthenticationHandler>(OciRegistryAuthenticationSchemes.Htpasswd, null);
            }

            if (!o.SchemeMap.ContainsKey(OciRegistryAuthenticationSchemes.Token))
            {
                o.AddScheme<TokenAuthenticationHandler>(OciRegistryAuthenticationSchemes.Token, null);
            }
        });
        services.TryAddTransient<HtpasswdAuthenticationHandler>();
        services.TryAddTransient<TokenAuthenticationHandler>();
        services.TryAddSingleton<HtpasswdFile>();
        services.TryAddSingleton<TokenSigningKeys>();
        services.TryAddSingleton<RegistryAuthorizer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, RegistryAccessClaimsHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OciRegistryOptions>, RegistryAuthOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OpenRegistryWarning>());
    }
}
