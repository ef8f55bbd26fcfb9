using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;
using OciRegistry.Authorization;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authentication.Token;

/// <summary>
/// Docker token authentication: a bearer JWT from the token service named in the challenge, valid for this
/// registry (audience = <c>Service</c>), from the configured <c>Issuer</c>, signed by one of the configured keys and
/// within its lifetime. Its <c>access</c> claim (<c>[{"type","name","actions"}]</c>) becomes the principal's
/// <see cref="RegistryAccessClaims"/>.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TokenSigningKeys signingKeys,
    IOptions<OciRegistryOptions> registryOptions,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private const int MaxTokenLength = 64 * 1024;
    private static readonly JsonWebTokenHandler Tokens = new() { MaximumTokenSizeInBytes = MaxTokenLength };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var settings = registryOptions.Value.Auth.Token;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Service,
            IssuerSigningKeys = signingKeys.Keys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            LifetimeValidator = (notBefore, expires, _, p) => IsWithinLifetime(notBefore, expires, p.ClockSkew),
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
        var token = header["Bearer ".Length..].Trim();
        if (token.Length > MaxTokenLength)
        {
            return AuthenticateResult.Fail("the bearer token is too large");
        }

        var result = await Tokens.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return AuthenticateResult.Fail(Describe(result.Exception));
        }

        var identity = new ClaimsIdentity(Scheme.Name, JwtRegisteredClaimNames.Sub, ClaimTypes.Role);
        if (jwt.Subject is { Length: > 0 } subject)
        {
            identity.AddClaim(new Claim(JwtRegisteredClaimNames.Sub, subject));
        }

        if (!TryReadAccess(jwt, identity))
        {
            return AuthenticateResult.Fail("the token's access claim is malformed");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var presented = Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        Response.Headers.Append(HeaderNames.WWWAuthenticate, Challenge(presented ? "invalid_token" : null));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, Challenge("insufficient_scope"));
        return Task.CompletedTask;
    }

    private string Challenge(string? error)
    {
        var settings = registryOptions.Value.Auth.Token;
        var challenge = $"Bearer realm={ChallengeParameters.Quote(settings.Realm)},service={ChallengeParameters.Quote(settings.Service)}";
        if (Context.Features.Get<RegistryAccessFeature>() is { Required.Count: > 0 } access)
        {
            challenge += $",scope={ChallengeParameters.Quote(RegistryScopes.Challenge(access.Required))}";
        }

        return error is null ? challenge : challenge + $",error=\"{error}\"";
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } end && now <= end + skew && (notBefore is not { } start || now >= start - skew);
    }

    /// <summary>Adds a grant per entry of the token's <c>access</c> claim; false when the claim is not the expected shape.</summary>
    private static bool TryReadAccess(JsonWebToken jwt, ClaimsIdentity identity)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        if (!payload.RootElement.TryGetProperty("access", out var access) || access.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (access.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var entry in access.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object ||
                !entry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String ||
                !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String ||
                !entry.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array ||
                actions.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                return false;
            }

            if (type.GetString() is { Length: > 0 } typeText && name.GetString() is { Length: > 0 } nameText)
            {
                identity.AddClaim(RegistryAccessClaims.Create(typeText, nameText, actions.EnumerateArray().Select(a => a.GetString()!)));
            }
        }

        return true;
    }

    private static string Describe(Exception? error) => error switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "the token has expired or is not yet valid",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
        SecurityTokenInvalidAudienceException => "the token is for another service",
        SecurityTokenInvalidIssuerException => "the token is from another issuer",
        _ => "the token is not valid",
    };
}
