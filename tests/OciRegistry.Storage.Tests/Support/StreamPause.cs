namespace OciRegistry.Storage.Tests.Support;

/// <summary>
/// Holds a <see cref="GeneratedStream"/> at a position (see <see cref="GeneratedStream.PauseAt"/>) so that a test can
/// look at the store while a driver is in the middle of an operation.
/// </summary>
public sealed class StreamPause
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the reader arrives at the pause.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Lets the reader go on.</summary>
    public void Resume() => _resumed.TrySetResult();

    /// <summary>
    /// Waits until the reader of the stream arrives at the pause; fails when <paramref name="operation"/>, the one
    /// reading it, ends first.
    /// </summary>
    public async Task WaitUntilReachedAsync(Task operation, TimeSpan hangGuard)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var first = await Task.WhenAny(Reached, operation).WaitAsync(hangGuard);
        if (first == operation)
        {
            await operation;
            Assert.Fail("The operation ended before reading its content up to the pause.");
        }
    }

    internal async Task HoldAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _resumed.Task.WaitAsync(cancellationToken);
    }
}
