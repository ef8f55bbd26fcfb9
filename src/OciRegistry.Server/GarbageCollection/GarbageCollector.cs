using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Storage;
using OciRegistry.Telemetry;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// Runs collections: takes the lease (except in a dry run, which writes nothing), fixes the mark time on the storage
/// service's clock, and hands over to <see cref="GarbageCollectionRun"/>. A registry in read-only mode deletes nothing:
/// only dry runs run then.
/// </summary>
internal sealed partial class GarbageCollector(IBlobStore store, LinkFiles links, IOptionsMonitor<OciRegistryOptions> options, TimeProvider time,
    ILogger<GarbageCollector> logger, RegistryMetrics? metrics = null) : IGarbageCollector
{
    // Concurrent storage requests: what keeps a run short on object stores, where each request waits on the network.
    private const int Parallelism = 16;

    public async Task<GarbageCollectionResult> CollectAsync(GarbageCollectionRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new GarbageCollectionRequest();
        try
        {
            var result = await CollectOnceAsync(request, cancellationToken).ConfigureAwait(false);
            metrics?.GarbageCollectionRan(result.Skipped ? "skipped" : "completed", result.DryRun, result.Duration, result.BytesFreed);
            return result;
        }
        catch (Exception)
        {
            metrics?.GarbageCollectionRan("failed", request.DryRun, null, 0);
            throw;
        }
    }

    private async Task<GarbageCollectionResult> CollectOnceAsync(GarbageCollectionRequest request, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        if (current.ReadOnly && !request.DryRun)
        {
            LogSkippedReadOnly(logger);
            return new GarbageCollectionResult(false, "the registry is read-only (OciRegistry:ReadOnly); only a dry run runs", time.GetUtcNow(), TimeSpan.Zero, 0, 0, [], []);
        }

        var settings = current.GarbageCollection;
        using var activity = RegistryMetrics.Activities.StartActivity("GarbageCollect");
        activity?.SetTag("oci.gc.dry_run", request.DryRun);
        LogStarted(logger, request.DryRun, request.DeleteUntagged ?? settings.DeleteUntagged);
        GarbageCollectionResult result;
        if (request.DryRun)
        {
            result = await new GarbageCollectionRun(store, links, time, logger, settings, request, time.GetUtcNow(), Parallelism)
                .RunAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var (lease, holder) = await GarbageCollectionLease.TryAcquireAsync(store, time, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                LogSkipped(logger, holder!);
                return new GarbageCollectionResult(false, $"another collector holds the lease: {holder}", time.GetUtcNow(), TimeSpan.Zero, 0, 0, [], []);
            }

            await using (lease.ConfigureAwait(false))
            {
                using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);

                // Objects are stamped by the storage service's clock; marking starts at the earlier of the two clocks,
                // so a clock running ahead of storage cannot make fresh objects look old.
                var markStartedAt = time.GetUtcNow() < lease.WrittenAt ? time.GetUtcNow() : lease.WrittenAt;
                result = await new GarbageCollectionRun(store, links, time, logger, settings, request, markStartedAt, Parallelism)
                    .RunAsync(stopping.Token).ConfigureAwait(false);
            }
        }

        LogFinished(logger, result.DryRun, result.Duration, result.BlobsDeleted, result.ManifestsDeleted, result.LayerLinksDeleted, result.UploadsPurged,
            result.BytesFreed, result.Restored.Count);
        return result;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Garbage collection started (dry run: {DryRun}, delete untagged: {DeleteUntagged})")]
    private static partial void LogStarted(ILogger logger, bool dryRun, bool deleteUntagged);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Garbage collection finished in {Duration} (dry run: {DryRun}): {Blobs} blobs, {Manifests} manifests, {LayerLinks} layer links, {Uploads} uploads deleted, {Bytes} bytes freed, {Restored} put back")]
    private static partial void LogFinished(ILogger logger, bool dryRun, TimeSpan duration, int blobs, int manifests, int layerLinks, int uploads, long bytes, int restored);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Garbage collection skipped: lease held by {Holder}")]
    private static partial void LogSkipped(ILogger logger, string holder);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Garbage collection skipped: the registry is read-only")]
    private static partial void LogSkippedReadOnly(ILogger logger);
}
