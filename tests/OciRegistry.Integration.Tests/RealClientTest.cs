using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests;

/// <summary>
/// Base of the real-client fixtures: every test gets a fresh temp folder (removed afterwards), skopeo, and
/// registries started on storage roots inside that folder and stopped when the test ends. The category (which
/// <c>eng/test.sh --fast</c> filters out) and the time limit apply to every fixture derived from it.
/// </summary>
[Category("RealClient")]
[CancelAfter(180_000)]
internal abstract class RealClientTest
{
    private readonly List<RegistryProcess> registries = [];

    protected TemporaryDirectory Work { get; private set; } = null!;

    protected Skopeo Skopeo { get; private set; } = null!;

    /// <summary>Cancelled when the test runs past its [CancelAfter] limit.</summary>
    protected static CancellationToken Cancellation => TestContext.CurrentContext.CancellationToken;

    [SetUp]
    public void CreateWorkDirectory()
    {
        Work = new TemporaryDirectory();
        Skopeo = new Skopeo(Work.Combine("skopeo", create: true));
    }

    [TearDown]
    public async Task StopRegistriesAndDeleteWorkDirectory()
    {
        foreach (var registry in registries)
        {
            await registry.DisposeAsync();
        }

        registries.Clear();
        Work.Dispose();
    }

    /// <summary>Starts our sample host on a storage root (a folder of the work directory).</summary>
    protected async Task<RegistryProcess> StartHostAsync(string rootName = "root") =>
        Track(await OciRegistryHost.StartAsync(Work.Combine(rootName, create: true), Work.Path, Cancellation));

    /// <summary>Starts our sample host on the given storage (a folder, a bucket, a container).</summary>
    protected async Task<RegistryProcess> StartHostAsync(HostStorage storage) =>
        Track(await OciRegistryHost.StartAsync(storage, Work.Path, Cancellation));

    /// <summary>Starts the Go registry on a storage root (a folder of the work directory).</summary>
    protected async Task<RegistryProcess> StartGoRegistryAsync(string rootName = "root") =>
        Track(await GoRegistry.StartAsync(Work.Combine(rootName, create: true), Work.Path, Cancellation));

    /// <summary>Stops the registry when the test ends.</summary>
    protected RegistryProcess Track(RegistryProcess registry)
    {
        registries.Add(registry);
        return registry;
    }
}
