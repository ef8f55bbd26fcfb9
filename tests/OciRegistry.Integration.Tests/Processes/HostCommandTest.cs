namespace OciRegistry.Integration.Tests.Processes;

/// <summary>Base of fixtures that only run the built host to its end (no client, no storage server): a fresh work folder per test.</summary>
internal abstract class HostCommandTest
{
    protected TemporaryDirectory Work { get; private set; } = null!;

    protected static CancellationToken Cancellation => TestContext.CurrentContext.CancellationToken;

    [SetUp]
    public void CreateWorkDirectory() => Work = new TemporaryDirectory();

    [TearDown]
    public void DeleteWorkDirectory() => Work.Dispose();
}
