namespace OciRegistry.Storage.Tests.Support;

/// <summary>One <see cref="IBlobStore"/> method, called on a path, for tests that hold for every method.</summary>
/// <param name="Name">The name shown in the test's name.</param>
/// <param name="RunAsync">Calls the method with the store, a path and a cancellation token.</param>
/// <param name="AcceptsRoot">Whether the empty path (the root) is valid for the method.</param>
public sealed record StoreOperation(string Name, Func<IBlobStore, string, CancellationToken, Task> RunAsync, bool AcceptsRoot = false)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
