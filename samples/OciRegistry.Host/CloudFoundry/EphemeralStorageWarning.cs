namespace OciRegistry.Host.CloudFoundry;

/// <summary>
/// On Cloud Foundry, warns at start when the registry stores on the filesystem: an app instance's disk is lost on every
/// restart, restage or scale, and each instance has its own.
/// </summary>
internal sealed partial class EphemeralStorageWarning(IConfiguration configuration, ILogger<EphemeralStorageWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var driver = configuration["OciRegistry:Storage:Driver"];
        if (string.IsNullOrWhiteSpace(driver) || driver.Trim().Equals("filesystem", StringComparison.OrdinalIgnoreCase))
        {
            LogEphemeral(logger, configuration["OciRegistry:Storage:FileSystem:RootDirectory"] ?? "registry-data");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning,
        Message = "Running on Cloud Foundry with filesystem storage ({RootDirectory}): the app container's disk is ephemeral, so every image pushed is " +
                  "lost when the instance restarts, and instances do not share it. Bind an S3 bucket or Azure container (cf bind-service) and restage.")]
    private static partial void LogEphemeral(ILogger logger, string rootDirectory);
}
