using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OciRegistry.Storage.Azure;

/// <summary>
/// Healthy when the driver's container answers. A container that does not exist yet is reported as degraded:
/// the driver creates it at the first write, but until then nothing was ever stored.
/// </summary>
/// <param name="store">The driver whose account and container are checked.</param>
public sealed class AzureBlobStoreHealthCheck(AzureBlobStore store) : IHealthCheck
{
    /// <summary>The name the driver registers this check under.</summary>
    public const string Name = "azure-blob-storage";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await store.ContainerExistsAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy($"Container '{store.ContainerName}' answers.")
                : HealthCheckResult.Degraded($"Container '{store.ContainerName}' does not exist yet; it is created at the first write.");
        }
        catch (StoreUnavailableException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Container '{store.ContainerName}' does not answer.", e);
        }
    }
}
