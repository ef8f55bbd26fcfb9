using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OciRegistry.Authorization;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authentication.Htpasswd;

/// <summary>
/// HTTP Basic authentication against the htpasswd file. A user in the file may do everything (as with
/// distribution's htpasswd): the principal carries <see cref="RegistryAccessClaims.FullAccess"/>.
/// </summary>
internal sealed class HtpasswdAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    HtpasswdFile users,
    IOptions<OciRegistryOptions> registryOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
        }

        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !users.Verify(credentials[..colon], credentials[(colon + 1)..]))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid user name or password"));
        }

        var identity = new ClaimsIdentity(RegistryAccessClaims.FullAccess(), Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, credentials[..colon]));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm={ChallengeParameters.Quote(registryOptions.Value.Auth.Htpasswd.Realm)}, charset=\"UTF-8\"");
        return Task.CompletedTask;
    }
}
