using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.GarbageCollection;

/// <summary>
/// Online collection: two skopeo pushers keep pushing images that share a base layer to new tags and untagging older
/// ones, so images keep turning into garbage and coming back, while <c>garbage-collect --delete-untagged</c> runs again
/// and again in another process with no grace period. Every image is pulled whole, with the digest it was pushed with,
/// while it is still tagged and once the collections running around its push have finished.
/// </summary>
internal sealed partial class OnlineGarbageCollectionTests : RealClientTest
{
    private const int PoolSize = 16;
    private const int Pushers = 2;
    private const int MaxPushesPerPusher = 300;
    private const int MaxAttempts = 5;
    private const int Collections = 8;
    private static readonly TimeSpan PushPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPushingTime = TimeSpan.FromSeconds(60);

    private static readonly string[] Collect =
    [
        "garbage-collect", "--delete-untagged",
        "--OciRegistry:GarbageCollection:GracePeriod=00:00:00", "--OciRegistry:GarbageCollection:SettleDelay=00:00:02",
    ];

    private int collectionsDone;

    [Test]
    public async Task Pushes_reusing_layers_while_collections_run_leave_every_tagged_image_whole()
    {
        var pool = await BuildPoolAsync();
        var host = await StartHostAsync();
        using var stopCollecting = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var collections = new List<CollectionSummary>();
        var collecting = CollectRepeatedlyAsync(host.RootDirectory, collections, stopCollecting.Token);

        // Pushing lasts until enough collections have run beside it.
        var stopwatch = Stopwatch.StartNew();
        var pushers = await Task.WhenAll(Enumerable.Range(0, Pushers).Select(pusher =>
            PushRepeatedlyAsync(pool, host, pusher, () => Volatile.Read(ref collectionsDone) >= Collections || stopwatch.Elapsed > MaxPushingTime)));
        var pushingTime = stopwatch.Elapsed;
        await stopCollecting.CancelAsync();
        await collecting;
        var deletedWhilePushing = collections.Sum(c => c.Blobs);

        // The images still tagged: after one more collection with nothing running beside it.
        collections.Add(Summary(await OciRegistryHost.RunCommandAsync(host.RootDirectory, Collect, Cancellation)));
        foreach (var (image, digest, _) in pushers.SelectMany(pusher => pusher.Pending))
        {
            await AssertPullsWholeAsync(host, image, digest);
        }

        var report = string.Create(CultureInfo.InvariantCulture,
            $"{pushers.Sum(p => p.Pushes)} pushes ({pushers.Sum(p => p.Retries)} retried after a clean failure) in {pushingTime.TotalSeconds:0} s, " +
            $"each image pulled whole while tagged; {collections.Count} collections deleted {collections.Sum(c => c.Blobs)} blobs and " +
            $"{collections.Sum(c => c.Manifests)} manifests, and put back {collections.Sum(c => c.PutBack)} items a push referenced meanwhile");
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(deletedWhilePushing, Is.GreaterThanOrEqualTo(10), $"collections really deleted while pushes ran: {report}");
            Assert.That(pushers.Sum(p => p.Pushes), Is.GreaterThanOrEqualTo(20), report);
        });
    }

    /// <summary>
    /// One layout of <see cref="PoolSize"/> images (<c>img0</c>...) on one base image: each has the base layer and a layer
    /// of its own.
    /// </summary>
    private async Task<OciImageLayout> BuildPoolAsync()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("pool"), "base", Cancellation);
        for (var i = 0; i < PoolSize; i++)
        {
            var file = Work.Combine($"top-{i}.txt");
            await File.WriteAllTextAsync(file, $"image {i} {Guid.NewGuid()}", Cancellation);
            await ExternalProgram.RunCheckedAsync("umoci", ["tag", "--image", $"{layout.Directory}:base", $"img{i}"], Cancellation);
            await ExternalProgram.RunCheckedAsync("umoci", ["insert", "--rootless", "--image", $"{layout.Directory}:img{i}", file, $"/top-{i}.txt"], Cancellation);
        }

        return layout;
    }

    /// <summary>
    /// Pushes random pool images to new tags of the pusher's own repository. A tag is pulled back, then untagged, once
    /// the collection that ran during its push has finished; what is still tagged at the end is left in
    /// <see cref="PusherResult.Pending"/>.
    /// </summary>
    private async Task<PusherResult> PushRepeatedlyAsync(OciImageLayout pool, RegistryProcess host, int pusher, Func<bool> done)
    {
        var result = new PusherResult();
        var choice = new Random(pusher);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        for (var i = 0; i < MaxPushesPerPusher && !done(); i++)
        {
            await Task.Delay(PushPause, Cancellation);
            var image = $"online/pusher{pusher}:t{i}";
            var source = pool.Reference($"img{choice.Next(PoolSize)}");
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    result.Pending.Enqueue((image, await Skopeo.CopyAsync(source, host.ImageReference(image), Cancellation), Volatile.Read(ref collectionsDone)));
                    break;
                }
                catch (InvalidOperationException failure) when (attempt < MaxAttempts)
                {
                    TestContext.Progress.WriteLine($"  push of {image} failed (attempt {attempt}), retrying: {failure.Message}");
                    result.Retries++;
                }
            }

            result.Pushes++;
            while (result.Pending.TryPeek(out var oldest) && Volatile.Read(ref collectionsDone) > oldest.CollectionsBefore)
            {
                result.Pending.Dequeue();
                await AssertPullsWholeAsync(host, oldest.Image, oldest.Digest);
                using var untag = await http.DeleteAsync(new Uri($"v2/online/pusher{pusher}/manifests/{oldest.Image.Split(':')[1]}", UriKind.Relative), Cancellation);
                Assert.That((int)untag.StatusCode, Is.EqualTo(202), $"untagging {oldest.Image}");
            }
        }

        return result;
    }

    private async Task AssertPullsWholeAsync(RegistryProcess host, string image, string digest)
    {
        // skopeo checks every blob against its digest; a dir: copy keeps the manifest as served.
        var pulled = await Skopeo.CopyAsync(host.ImageReference(image), $"dir:{Work.Combine("pulled-" + image.Replace('/', '-').Replace(':', '-'))}", Cancellation);
        Assert.That(pulled, Is.EqualTo(digest), $"{image} pulled back");
    }

    private async Task CollectRepeatedlyAsync(string rootDirectory, List<CollectionSummary> summaries, CancellationToken stop)
    {
        // Each run finishes (a killed collector would hold the lease until it expires): the loop stops between runs.
        while (!stop.IsCancellationRequested)
        {
            summaries.Add(Summary(await OciRegistryHost.RunCommandAsync(rootDirectory, Collect, Cancellation)));
            Interlocked.Increment(ref collectionsDone);
        }
    }

    private static CollectionSummary Summary(ProgramResult result)
    {
        var match = SummaryLine().Match(result.StandardOutputText);
        Assert.That(match.Success, Is.True, $"no summary in: {result}");
        return new CollectionSummary(int.Parse(match.Groups["blobs"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["manifests"].Value, CultureInfo.InvariantCulture),
            PutBackLine().Count(result.StandardOutputText));
    }

    [GeneratedRegex(@"^deleted: (?<blobs>\d+) blobs, (?<manifests>\d+) manifests", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^put back ", RegexOptions.Multiline)]
    private static partial Regex PutBackLine();

    private sealed record CollectionSummary(int Blobs, int Manifests, int PutBack);

    private sealed class PusherResult
    {
        /// <summary>Tags pushed and not yet checked: image, digest, and how many collections had finished before its push.</summary>
        public Queue<(string Image, string Digest, int CollectionsBefore)> Pending { get; } = new();

        public int Pushes { get; set; }

        public int Retries { get; set; }
    }
}
