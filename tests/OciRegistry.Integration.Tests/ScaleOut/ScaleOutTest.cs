using OciRegistry.Integration.Tests.Processes;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// Base of the scale-out fixtures, each run once per storage driver: every test gets fresh storage (a folder, a new
/// bucket or container) and sample-host clusters on it, stopped when the test ends.
/// </summary>
internal abstract class ScaleOutTest(StorageTarget target) : RealClientTest
{
    private readonly List<RegistryCluster> clusters = [];

    protected static TimeSpan RequestTimeout => TimeSpan.FromSeconds(60);

    /// <summary>The seed of <see cref="Random"/>, new for every test and printed, so that a failure can be replayed.</summary>
    protected int Seed { get; private set; }

    /// <summary>This test's source of random choices.</summary>
    protected Random Random { get; private set; } = null!;

    /// <summary>The driver this fixture runs on, for messages.</summary>
    protected string Driver => target.Name;

    [SetUp]
    public void SeedRandom()
    {
        Seed = System.Random.Shared.Next();
        Random = new Random(Seed);
        TestContext.Progress.WriteLine($"  seed {Seed}");
    }

    [TearDown]
    public async Task StopClustersAsync()
    {
        // Each host's output goes to the test's output as it is stopped; on a failure, which instance served what too.
        var failed = TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed;
        foreach (var cluster in clusters)
        {
            if (failed)
            {
                TestContext.Out.WriteLine($"--- requests through the proxy ---{Environment.NewLine}{string.Join(Environment.NewLine, cluster.Proxy.Forwarded.TakeLast(300))}");
            }

            await cluster.DisposeAsync();
        }

        clusters.Clear();
    }

    /// <summary>Fresh storage for this test; ends the test when the driver's server is not there (fails in CI).</summary>
    protected HostStorage CreateStorage() => target.CreateStorage(Work);

    /// <summary>Starts <paramref name="instances"/> hosts on one storage behind a round-robin proxy.</summary>
    protected async Task<RegistryCluster> StartClusterAsync(HostStorage storage, int instances)
    {
        var cluster = await RegistryCluster.StartAsync(
            instances, cancellationToken => OciRegistryHost.StartAsync(storage, Work.Path, cancellationToken), Cancellation);
        clusters.Add(cluster);
        return cluster;
    }
}
