using System.Collections.Concurrent;
using System.Net;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// Many clients push at once, through the round-robin proxy, images that share layers at random: the same blob
/// into the same and into different repositories, the same tag to different manifests. Afterwards the registry is
/// consistent, whichever instance is asked.
/// </summary>
[TestFixtureSource(typeof(ScaleOutTargets), nameof(ScaleOutTargets.FileSystemAndAzure))]
internal sealed class ConcurrentPushTests(StorageTarget target) : ScaleOutTest(target)
{
    private const int Pushers = 16;
    private const int ImagesPerPusher = 2;
    private static readonly string[] Repositories = ["shared/one", "shared/two", "other/three"];
    private static readonly string[] Tags = ["latest", "stable", "v1"];

    [Test]
    public async Task Sixteen_pushers_of_overlapping_images_leave_every_tag_on_a_pushed_manifest_and_every_blob_intact()
    {
        // Mostly small layers (one request each), a few over 256 KiB (pushed in chunks), all shared at random.
        var layers = Enumerable.Range(0, 12)
            .Select(index => SyntheticImage.RandomBlob(Random, index % 4 == 0 ? Random.Next(300_000, 1_500_000) : Random.Next(1, 64 * 1024)))
            .ToArray();
        var plans = Enumerable.Range(0, Pushers).Select(pusher => Enumerable.Range(0, ImagesPerPusher).Select(image => new PlannedPush(
            // Every pusher's first image goes to one tag: that tag is pushed sixteen times at the same moment.
            image == 0 ? Repositories[0] : Repositories[Random.Next(Repositories.Length)],
            image == 0 ? Tags[0] : Tags[Random.Next(Tags.Length)],
            new SyntheticImage($"pusher {pusher} image {image}", [.. layers.OrderBy(_ => Random.Next()).Take(Random.Next(1, 5))]),
            SkipExisting: Random.Next(2) == 0)).ToList()).ToList();

        var cluster = await StartClusterAsync(CreateStorage(), 3);
        // A registry that has been up a while: each instance has started an upload, one after the other. (Instances
        // racing for the signing secret at their very first uploads is the subject of a test of its own.)
        foreach (var instance in cluster.Instances)
        {
            using var direct = new RegistryPushClient(instance.BaseAddress, RequestTimeout);
            using var started = await direct.StartUploadAsync(Repositories[0], Cancellation);
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await RegistryPushClient.DescribeAsync(started));
        }

        var pushed = new ConcurrentBag<PlannedPush>();
        using var start = new SemaphoreSlim(0);
        var pushers = plans.Select(plan => Task.Run(async () =>
        {
            using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
            await start.WaitAsync(Cancellation);
            foreach (var push in plan)
            {
                await client.PushImageAsync(push.Repository, push.Tag, push.Image, push.SkipExisting, Cancellation);
                pushed.Add(push);
            }
        })).ToList();
        start.Release(Pushers);
        await Task.WhenAll(pushers);
        TestContext.Progress.WriteLine($"  {pushed.Count} images pushed by {Pushers} clients in {cluster.Proxy.Forwarded.Count} requests");

        var failures = new List<string>();
        foreach (var instance in cluster.Instances)
        {
            using var direct = new RegistryPushClient(instance.BaseAddress, RequestTimeout);
            foreach (var tagged in pushed.GroupBy(push => (push.Repository, push.Tag)))
            {
                var manifest = await direct.ReadManifestAsync(tagged.Key.Repository, tagged.Key.Tag, Cancellation);
                var candidates = tagged.Select(push => push.Image.ManifestDigest).ToHashSet();
                if (manifest is null || !candidates.Contains(ContentDigest.Of(manifest)))
                {
                    failures.Add($"{instance.Authority}: {tagged.Key.Repository}:{tagged.Key.Tag} resolves to " +
                        $"{(manifest is null ? "nothing" : ContentDigest.Of(manifest))}, not one of the {candidates.Count} manifests pushed for it");
                }
            }
        }

        using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
        foreach (var push in pushed.DistinctBy(push => (push.Repository, push.Image.ManifestDigest)))
        {
            var manifest = await client.ReadManifestAsync(push.Repository, push.Image.ManifestDigest, Cancellation);
            if (manifest is null || !manifest.SequenceEqual(push.Image.Manifest))
            {
                failures.Add($"{push.Repository}@{push.Image.ManifestDigest}: {(manifest is null ? "missing" : "other bytes")}");
            }

            foreach (var blob in push.Image.Blobs)
            {
                var digest = ContentDigest.Of(blob);
                var served = await client.ReadBlobDigestAsync(push.Repository, digest, Cancellation);
                if (served != digest)
                {
                    failures.Add($"{push.Repository} blob {digest} of {push.Image.ManifestDigest}: {served ?? "missing"}");
                }
            }
        }

        Assert.That(failures, Is.Empty, $"seed {Seed}");
    }

    private sealed record PlannedPush(string Repository, string Tag, SyntheticImage Image, bool SkipExisting);
}
