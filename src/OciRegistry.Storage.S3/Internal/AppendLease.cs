namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// An append's claim on its path while it runs: a lock object of its own, rewritten periodically so that other
/// processes can tell it from the leftover of a crashed one, and deleted when the append ends.
/// </summary>
internal sealed class AppendLease : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task> _renew;
    private readonly Func<Task> _release;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public AppendLease(TimeSpan renewEvery, TimeProvider time, Func<CancellationToken, Task> renew, Func<Task> release)
    {
        _renew = renew;
        _release = release;
        _renewing = RenewAsync(renewEvery, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
        await _release().ConfigureAwait(false);
    }

    private async Task RenewAsync(TimeSpan every, TimeProvider time)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await _renew(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed renewal only shortens the claim; the append's own requests report an outage.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
