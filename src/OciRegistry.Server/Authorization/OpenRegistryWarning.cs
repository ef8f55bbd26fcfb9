using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OciRegistry.Authorization;

/// <summary>Says at start, loudly, when the registry lets anyone push, pull and delete.</summary>
internal sealed partial class OpenRegistryWarning(RegistryAuthorizer authorizer, ILogger<OpenRegistryWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!authorizer.IsEnforced)
        {
            LogOpen(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "No authentication is configured (OciRegistry:Auth:Htpasswd:Path, OciRegistry:Auth:Token:Realm or OciRegistry:Auth:Schemes): anyone who can reach this registry can push, pull and delete")]
    private static partial void LogOpen(ILogger logger);
}
