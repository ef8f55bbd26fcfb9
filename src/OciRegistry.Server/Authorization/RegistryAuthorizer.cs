using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OciRegistry.Api;
using OciRegistry.DependencyInjection;
using OciRegistry.Errors;

namespace OciRegistry.Authorization;

/// <summary>
/// Authenticates a registry request with the configured schemes and authorizes the permissions it needs. A refusal
/// is answered here, before the request touches storage: 401 <c>UNAUTHORIZED</c> with each scheme's challenge when
/// nobody is authenticated, 403 <c>DENIED</c> when the principal lacks a permission.
/// </summary>
internal sealed class RegistryAuthorizer(IOptions<OciRegistryOptions> options, IAuthorizationService authorization)
{
    private IReadOnlyList<string>? schemes;

    /// <summary>The schemes requests are authenticated with; none = an open registry.</summary>
    public IReadOnlyList<string> Schemes => schemes ??= ActiveSchemes(options.Value.Auth);

    /// <summary>Whether any authentication is configured. When not, every request is allowed.</summary>
    public bool IsEnforced => Schemes.Count > 0;

    /// <summary>Whether the request may go on; when not, the refusal has been written.</summary>
    public async Task<bool> AuthorizeAsync(HttpContext context, IReadOnlyList<RegistryAccessRequirement> required)
    {
        if (!IsEnforced)
        {
            return true;
        }

        context.Features.Set(new RegistryAccessFeature(required));
        var (user, failure) = await AuthenticateAsync(context).ConfigureAwait(false);
        context.User = user;
        var authenticated = user.Identities.Any(i => i.IsAuthenticated);
        if (required.Count == 0 ? authenticated : (await authorization.AuthorizeAsync(user, context, required).ConfigureAwait(false)).Succeeded)
        {
            return true;
        }

        if (!authenticated)
        {
            foreach (var scheme in Schemes)
            {
                await context.ChallengeAsync(scheme).ConfigureAwait(false);
            }

            // A scheme that redirects (a cookie login) has answered by itself.
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                await OciErrorResponse.WriteAsync(context, OciErrorCode.Unauthorized, failure ?? OciErrorCode.Unauthorized.Description,
                    new { scope = RegistryScopes.Challenge(required) }).ConfigureAwait(false);
            }

            return false;
        }

        foreach (var scheme in Schemes)
        {
            await context.ForbidAsync(scheme).ConfigureAwait(false);
        }

        await OciErrorResponse.WriteAsync(context, OciErrorCode.Denied, null, new { scope = RegistryScopes.Challenge(required) }).ConfigureAwait(false);
        return false;
    }

    private async Task<(ClaimsPrincipal User, string? Failure)> AuthenticateAsync(HttpContext context)
    {
        var user = new ClaimsPrincipal();
        string? failure = null;
        foreach (var scheme in Schemes)
        {
            var result = await context.AuthenticateAsync(scheme).ConfigureAwait(false);
            if (result.Succeeded)
            {
                user.AddIdentities(result.Principal.Identities);
            }
            else if (result.Failure is { } error)
            {
                failure ??= error.Message;
            }
        }

        if (!user.Identities.Any())
        {
            user.AddIdentity(new ClaimsIdentity());
        }

        return (user, failure);
    }

    private static List<string> ActiveSchemes(OciRegistryAuthOptions auth)
    {
        var active = new List<string>();
        if (!string.IsNullOrWhiteSpace(auth.Htpasswd.Path))
        {
            active.Add(OciRegistryAuthenticationSchemes.Htpasswd);
        }

        if (!string.IsNullOrWhiteSpace(auth.Token.Realm))
        {
            active.Add(OciRegistryAuthenticationSchemes.Token);
        }

        active.AddRange(auth.Schemes.Where(s => !string.IsNullOrWhiteSpace(s) && !active.Contains(s)));
        return active;
    }
}
