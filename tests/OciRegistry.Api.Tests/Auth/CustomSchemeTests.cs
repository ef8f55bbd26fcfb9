using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OciRegistry.Authorization;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>
/// An embedding application plugs its own authentication scheme (here: API keys in a header) into the registry's
/// authorization: by issuing <see cref="RegistryAccessClaims"/>, or with its own handler of <see cref="RegistryAccessRequirement"/>.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class CustomSchemeTests : AuthenticatedRegistryTest
{
    protected override void ConfigureRegistry(OciRegistryOptions options) => options.Auth.Schemes.Add(ApiKeyHandler.SchemeName);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, JanitorDeletesHandler>();
    }

    [Test]
    public async Task The_application_scheme_authenticates_and_its_claims_authorize()
    {
        var repository = $"ci/{Guid.NewGuid():N}";
        using (var anonymous = await Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository)))
        {
            await ResponseAssert.ErrorAsync(anonymous, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            Assert.That(anonymous.Headers.WwwAuthenticate.ToString(), Is.EqualTo("ApiKey"));
        }

        var manifest = await WithKeyAsync("ci-pusher", () => Client.PushImageAsync(repository, "v1"));

        using var denied = await WithKeyAsync("reader", () => Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, manifest.Digest)));
        await ResponseAssert.ErrorAsync(denied, HttpStatusCode.Forbidden, "DENIED");
    }

    [Test]
    public async Task The_application_handler_grants_what_no_claim_does()
    {
        var repository = $"ci/{Guid.NewGuid():N}";
        var manifest = await WithKeyAsync("ci-pusher", () => Client.PushImageAsync(repository, "v1"));

        using var deleted = await WithKeyAsync("janitor", () => Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, manifest.Digest)));

        await ResponseAssert.StatusAsync(deleted, HttpStatusCode.Accepted);
    }

    private async Task<T> WithKeyAsync<T>(string key, Func<Task<T>> action)
    {
        Client.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("ApiKey", key);
        try
        {
            return await action();
        }
        finally
        {
            Client.Authorization = null;
        }
    }

    /// <summary>Keys are user names here; "ci-pusher" may pull and push under ci/, the others hold no grant.</summary>
    private sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "ApiKey";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("ApiKey ", StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var key = header["ApiKey ".Length..];
            var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
            identity.AddClaim(new Claim(ClaimTypes.Name, key));
            if (key == "ci-pusher")
            {
                identity.AddClaim(RegistryAccessClaims.Create(RegistryResourceTypes.Repository, "*", [RegistryActions.Pull, RegistryActions.Push]));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = 401;
            Response.Headers.WWWAuthenticate = "ApiKey";
            return Task.CompletedTask;
        }
    }

    /// <summary>The application's own rule: the janitor may delete anything.</summary>
    private sealed class JanitorDeletesHandler : AuthorizationHandler<RegistryAccessRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RegistryAccessRequirement requirement)
        {
            if (context.User.Identity?.Name == "janitor" && requirement.Action == RegistryActions.Delete)
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
