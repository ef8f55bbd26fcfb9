using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// Online garbage collection: when <see cref="GarbageCollectionOptions.Enabled"/>, collects every
/// <see cref="GarbageCollectionOptions.Interval"/> while the registry serves. Every instance may run it; the lease lets
/// one collect at a time and the others skip that round.
/// </summary>
internal sealed partial class GarbageCollectionService(IServiceProvider services, IOptions<OciRegistryOptions> options, TimeProvider time,
    ILogger<GarbageCollectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.GarbageCollection;
        if (!settings.Enabled)
        {
            return;
        }

        // Resolved only when enabled: a host that never collects needs nothing the collector needs.
        var collector = services.GetRequiredService<IGarbageCollector>();

        while (true)
        {
            await Task.Delay(settings.Interval, time, stoppingToken).ConfigureAwait(false);
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
}
