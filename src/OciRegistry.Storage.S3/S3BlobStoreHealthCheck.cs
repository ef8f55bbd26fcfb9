using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OciRegistry.Storage.S3;

/// <summary>
/// Healthy while the S3 bucket answers a one-key listing (the bucket is created first when it does not exist yet);
/// unhealthy, with the reason, when it does not.
/// </summary>
public sealed class S3BlobStoreHealthCheck : IHealthCheck
{
    private readonly S3BlobStore _store;

    /// <summary>Creates the check for <paramref name="store"/>.</summary>
    public S3BlobStoreHealthCheck(S3BlobStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await _store.ProbeAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"S3 bucket '{_store.Bucket}' answers.");
        }
        catch (StoreUnavailableException e)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, $"S3 bucket '{_store.Bucket}' does not answer.", e);
        }
    }
}
