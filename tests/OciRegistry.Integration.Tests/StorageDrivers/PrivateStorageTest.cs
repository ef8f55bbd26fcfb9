namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// Base of the fixtures that take a storage server away: a private instance of the fixture's service for the whole
/// fixture (stopped at its end), brought back up after every test whatever the test left it in.
/// </summary>
internal abstract class PrivateStorageTest : RealClientTest
{
    private PrivateStorageServer? storage;

    /// <summary>The storage server the fixture runs against.</summary>
    protected abstract StorageService Service { get; }

    protected PrivateStorageServer Storage => storage ?? throw new InvalidOperationException("The private storage server has not started.");

    [OneTimeSetUp]
    public async Task StartPrivateStorageServerAsync() =>
        storage = await PrivateStorageServer.StartAsync(Service, CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopPrivateStorageServerAsync()
    {
        if (storage is not null)
        {
            await storage.DisposeAsync();
        }
    }

    // A test that failed half-way may leave the server stopped or killed; the next one needs it up.
    [TearDown]
    public Task BringStorageBackAsync() => Storage.EnsureRunningAsync(CancellationToken.None);
}
