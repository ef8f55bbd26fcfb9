using System.Diagnostics;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// What scale-out costs a client: a 64 MiB blob pushed in chunks, and 50 small images pushed one after another,
/// against one instance directly, through the proxy to that one instance (the proxy's own cost), and through the
/// proxy alternating three instances (what hopping costs: a cold hash state, a second look in storage). Printed,
/// not asserted: the machine is shared.
/// </summary>
[TestFixtureSource(typeof(ScaleOutTargets), nameof(ScaleOutTargets.FileSystem))]
internal sealed class ThroughputTests(StorageTarget target) : ScaleOutTest(target)
{
    private const int MiB = 1024 * 1024;
    private const int BigBlobSize = 64 * MiB;
    private const int BigChunk = 8 * MiB;
    private const int SmallPushes = 50;
    private const string Repository = "throughput/pushes";

    private readonly Random random = new(3);
    private int pushes;

    [Test]
    public async Task Pushes_behind_the_alternating_proxy_against_one_instance_directly()
    {
        var cluster = await StartClusterAsync(CreateStorage(), 3);
        await using var singleProxy = await RoundRobinProxy.StartAsync([cluster.Instances[0].BaseAddress], Cancellation);
        (string Name, Uri Address)[] routes =
        [
            ("one instance, direct", cluster.Instances[0].BaseAddress),
            ("proxy -> 1 instance", singleProxy.BaseAddress),
            ("proxy -> 3 alternating", cluster.Proxy.BaseAddress),
        ];

        foreach (var (_, address) in routes)
        {
            // Warm-up: connections made and code paths compiled on every instance behind the route.
            using var client = new RegistryPushClient(address, RequestTimeout);
            await PushBlobAsync(client, 3 * 1024 * 1024, 1024 * 1024);
            await PushSmallImagesAsync(client, 3);
        }

        TestContext.Progress.WriteLine(
            $"  {Driver}: {BigBlobSize / MiB} MiB blob in {BigBlobSize / BigChunk} PATCHes; {SmallPushes} images of one 4 KiB layer (HEAD + POST per blob, PUT manifest)");
        foreach (var (name, address) in routes)
        {
            using var client = new RegistryPushClient(address, RequestTimeout);
            var bigSeconds = await PushBlobAsync(client, BigBlobSize, BigChunk);
            var smallSeconds = await PushSmallImagesAsync(client, SmallPushes);
            TestContext.Progress.WriteLine(
                $"  {name,-24}: 64 MiB in {bigSeconds,5:F2} s = {BigBlobSize / MiB / bigSeconds,6:F1} MiB/s; " +
                $"{SmallPushes} small pushes in {smallSeconds,5:F2} s = {SmallPushes / smallSeconds,5:F1} pushes/s");
        }
    }

    /// <summary>Pushes a new blob in chunks; returns the seconds it took.</summary>
    private async Task<double> PushBlobAsync(RegistryPushClient client, int size, int chunk)
    {
        var content = SyntheticImage.RandomBlob(random, size);
        var clock = Stopwatch.StartNew();
        await client.PushChunkedAsync(Repository, content, [.. Enumerable.Repeat(chunk, size / chunk)], checkStatus: false, Cancellation);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Pushes images of one new 4 KiB layer, one after another; returns the seconds it took.</summary>
    private async Task<double> PushSmallImagesAsync(RegistryPushClient client, int count)
    {
        var images = Enumerable.Range(0, count).Select(_ => new SyntheticImage($"small {++pushes}", [SyntheticImage.RandomBlob(random, 4096)])).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var image in images)
        {
            await client.PushImageAsync(Repository, $"small-{image.ManifestDigest[7..19]}", image, skipExisting: true, Cancellation);
        }

        return clock.Elapsed.TotalSeconds;
    }
}
