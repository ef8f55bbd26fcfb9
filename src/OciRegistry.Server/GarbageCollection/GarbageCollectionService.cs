using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// Online garbage collection: when <see cref="GarbageCollectionOptions.Enabled"/>, collects every
/// <see cref="GarbageCollectionOptions.Interval"/> while the registry serves. Every instance may run it; the lease lets
/// one collect at a time and the others skip that round. While <see cref="OciRegistryOptions.ReadOnly"/> is on (read at
/// each round, so a configuration reload switches it), rounds are skipped: storage being migrated or backed up stays as it is.
/// </summary>
internal sealed partial class GarbageCollectionService(IServiceProvider services, IOptionsMonitor<OciRegistryOptions> options, TimeProvider time,
    ILogger<GarbageCollectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue.GarbageCollection;
        if (!settings.Enabled)
        {
            return;
        }

        // Resolved only when enabled: a host that never collects needs nothing the collector needs.
        var collector = services.GetRequiredService<IGarbageCollector>();

        var paused = false;
        while (true)
        {
            await Task.Delay(settings.Interval, time, stoppingToken).ConfigureAwait(false);
            if (options.CurrentValue.ReadOnly)
            {
                if (!paused)
                {
                    LogPaused(logger);
                    paused = true;
                }

                LogRoundSkipped(logger);
                continue;
            }

            if (paused)
            {
                LogResumed(logger);
                paused = false;
            }

            try
            {
                await collector.CollectAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // The next round starts from scratch; a failed round deleted nothing it had not checked.
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Error, Message = "Garbage collection failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information,
        Message = "Background garbage collection paused: the registry is read-only (OciRegistry:ReadOnly); it resumes when writes are allowed again")]
    private static partial void LogPaused(ILogger logger);

    [LoggerMessage(EventId = 122, Level = LogLevel.Debug, Message = "Garbage collection round skipped: the registry is read-only")]
    private static partial void LogRoundSkipped(ILogger logger);

    [LoggerMessage(EventId = 123, Level = LogLevel.Information, Message = "Background garbage collection resumed: the registry is no longer read-only")]
    private static partial void LogResumed(ILogger logger);
}
