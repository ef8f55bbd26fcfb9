using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace OciRegistry.Storage.FileSystem;

/// <summary>
/// Healthy when the root folder exists (or can be created) and takes a file; degraded when it can be read but not
/// written (a read-only mount: pulls still work); unhealthy when it cannot be reached at all.
/// </summary>
public sealed class FileSystemBlobStoreHealthCheck : IHealthCheck
{
    /// <summary>The name the driver registers this check under.</summary>
    public const string Name = "filesystem-storage";

    private readonly string _root;

    /// <summary>Creates the check for the folder the driver's <paramref name="options"/> name.</summary>
    public FileSystemBlobStoreHealthCheck(IOptions<FileSystemBlobStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.GetFullPath(options.Value.RootDirectory);
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            Directory.CreateDirectory(_root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Storage folder '{_root}' cannot be reached.", e);
        }

        // A probe file in the driver's private folder, which no registry path can name.
        var probe = Path.Combine(_root, FileSystemBlobStore.InternalFolderName, $"health-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(probe)!);
            await File.WriteAllBytesAsync(probe, [], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
            return HealthCheckResult.Healthy($"Storage folder '{_root}' answers.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Degraded($"Storage folder '{_root}' can be read but not written.", e);
        }
    }
}
