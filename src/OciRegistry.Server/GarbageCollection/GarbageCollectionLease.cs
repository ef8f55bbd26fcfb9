using System.Text.Json;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// The right to collect, held in storage (<see cref="RegistryLayout.GarbageCollectionLease"/>) by one collector at a time
/// across all instances: taken when absent or expired, renewed while the run lasts, deleted at its end. The store has
/// no compare-and-swap, so a taker writes, waits a moment and reads back: of two collectors racing for it, the later
/// writer wins and the other backs off. Should both ever run, nothing breaks: each run alone is safe beside any
/// concurrent writer, and another collector is just one more.
/// </summary>
internal sealed class GarbageCollectionLease : IAsyncDisposable
{
    /// <summary>How long a lease lasts unless renewed: a crashed collector blocks others at most this long.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ConfirmDelay = TimeSpan.FromMilliseconds(500);

    private readonly IBlobStore store;
    private readonly TimeProvider time;
    private readonly string owner;
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stopRenewing = new();
    private readonly Task renewing;

    private GarbageCollectionLease(IBlobStore store, TimeProvider time, string owner, DateTimeOffset writtenAt)
    {
        this.store = store;
        this.time = time;
        this.owner = owner;
        WrittenAt = writtenAt;
        renewing = RenewAsync();
    }

    /// <summary>When storage says the lease was written: the storage service's clock, which stamps every object.</summary>
    public DateTimeOffset WrittenAt { get; }

    /// <summary>Cancelled when another collector took the lease over (this one stalled past its expiry).</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Takes the lease, or returns who holds it.</summary>
    public static async Task<(GarbageCollectionLease? Lease, string? Holder)> TryAcquireAsync(IBlobStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.Expires > time.GetUtcNow())
        {
            return (null, Describe(current));
        }

        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        await WriteAsync(store, new LeaseRecord(owner, time.GetUtcNow() + Duration), cancellationToken).ConfigureAwait(false);
        await Task.Delay(ConfirmDelay, time, cancellationToken).ConfigureAwait(false);
        var confirmed = await ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (confirmed?.Owner != owner)
        {
            return (null, confirmed is null ? "a collector that has finished since" : Describe(confirmed));
        }

        var info = await store.GetInfoAsync(RegistryLayout.GarbageCollectionLease, cancellationToken).ConfigureAwait(false);
        return (new GarbageCollectionLease(store, time, owner, info?.LastModified ?? time.GetUtcNow()), null);
    }

    public async ValueTask DisposeAsync()
    {
        await stopRenewing.CancelAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            if ((await ReadAsync(store, CancellationToken.None).ConfigureAwait(false))?.Owner == owner)
            {
                await store.DeleteAsync(RegistryLayout.GarbageCollectionLease, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Left in place it expires by itself.
        }

        lost.Dispose();
        stopRenewing.Dispose();
    }

    private async Task RenewAsync()
    {
        var expires = time.GetUtcNow() + Duration;
        while (true)
        {
            await Task.Delay(Duration / 3, time, stopRenewing.Token).ConfigureAwait(false);
            try
            {
                var current = await ReadAsync(store, stopRenewing.Token).ConfigureAwait(false);
                if (current is not null && current.Owner != owner)
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }

                expires = time.GetUtcNow() + Duration;
                await WriteAsync(store, new LeaseRecord(owner, expires), stopRenewing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && time.GetUtcNow() < expires)
            {
                // Storage hiccup: try again at the next renewal, while the lease still holds.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The lease may have expired unnoticed: stop rather than run beside another collector.
                await lost.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private static string Describe(LeaseRecord lease) => $"{lease.Owner} until {lease.Expires:O}";

    private static async Task<LeaseRecord?> ReadAsync(IBlobStore store, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(RegistryLayout.GarbageCollectionLease, 0, 64 * 1024, cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<LeaseRecord>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StorePathNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A damaged lease protects nothing; it is overwritten.
            return null;
        }
    }

    private static async Task WriteAsync(IBlobStore store, LeaseRecord lease, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(lease));
        await store.WriteAsync(RegistryLayout.GarbageCollectionLease, content, cancellationToken).ConfigureAwait(false);
    }

    private sealed record LeaseRecord(string Owner, DateTimeOffset Expires);
}
