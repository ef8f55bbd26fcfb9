using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authorization;

/// <summary>
/// Meets a <see cref="RegistryAccessRequirement"/> the principal holds a <see cref="RegistryAccessClaims"/> grant
/// for, and repository pulls by anyone when <c>OciRegistry:Auth:AnonymousPull</c> is on.
/// </summary>
internal sealed class RegistryAccessClaimsHandler(IOptions<OciRegistryOptions> options) : AuthorizationHandler<RegistryAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RegistryAccessRequirement requirement)
    {
        if (options.Value.Auth.AnonymousPull &&
            requirement is { Type: RegistryResourceTypes.Repository, Action: RegistryActions.Pull })
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        foreach (var identity in context.User.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            foreach (var claim in identity.FindAll(RegistryAccessClaims.ClaimType))
            {
                if (RegistryAccessClaims.Grants(claim.Value, requirement))
                {
                    context.Succeed(requirement);
                    return Task.CompletedTask;
                }
            }
        }

        return Task.CompletedTask;
    }
}
