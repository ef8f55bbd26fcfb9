using System.Diagnostics;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// Crash safety: a host pushed to by several clients is killed with SIGKILL at random moments, over and over, and
/// started again on the same storage (behind the same proxy address, so clients keep their <c>Location</c>s). Then
/// every push answered 201 is intact, nothing a client did not complete is visible, and every upload cut off is
/// either continued to the end or cleanly unknown.
/// </summary>
[TestFixtureSource(typeof(ScaleOutTargets), nameof(ScaleOutTargets.FileSystemAndS3))]
internal sealed class KillNineTests(StorageTarget target) : ScaleOutTest(target)
{
    private const int Kills = 22;
    private const int PushersPerCycle = 3;

    [Test]
    [CancelAfter(420_000)] // 22 host start-ups, and on S3 seconds per push on a loaded machine: a hang detector still
    public async Task Pushes_answered_201_survive_repeated_kill_9_and_nothing_partial_becomes_visible()
    {
        var cluster = await StartClusterAsync(CreateStorage(), 1);
        using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
        var ledger = new PushLedger();
        var clock = Stopwatch.StartNew();

        for (var kill = 1; kill <= Kills; kill++)
        {
            // The host's next incarnation starts meanwhile: the loop's time goes to pushing, not to waiting for start-ups.
            var spare = cluster.StartSpareAsync(Cancellation);
            try
            {
                using var cycle = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
                var pushers = Enumerable.Range(0, PushersPerCycle)
                    .Select(pusher => new KillLoopPusher(client, ledger, new Random(Random.Next()), $"k{kill}p{pusher}").RunAsync(cycle.Token))
                    .ToList();
                // After a random number of answers, so the kills land as far into the work on slow storage as on fast,
                // and a random moment after that: before the first answer, in the middle of anything.
                await WaitForAnswersAsync(ledger, Random.Next(0, 8), AnswerWait);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Next(0, 300)), Cancellation);
                await cluster.KillAsync(0);
                // Whatever was in flight got no answer; what the pushers would send next must not go to the next host.
                await cycle.CancelAsync();
                await Task.WhenAll(pushers);
                ledger.EndCycle();
                await cluster.ReplaceAsync(0, await spare);
            }
            finally
            {
                // A spare still starting when the loop fails must reach the cluster's hands, or its process outlives the test.
                await Task.WhenAny(spare);
            }
        }

        var blobs = ledger.Blobs;
        var interrupted = blobs.Count(blob => blob.Resumable);
        var committedBetweenKills = blobs.Count(blob => blob.Committed);
        TestContext.Progress.WriteLine(
            $"  {Kills} kills in {clock.Elapsed.TotalSeconds:F0} s: {blobs.Count} blobs tried, {committedBetweenKills} committed, " +
            $"uploads cut off {ledger.Interruptions} times, {ledger.Resumptions.Resumed} picked up again after a kill ({ledger.Resumptions.Forgotten} unknown by then), " +
            $"{interrupted} left cut off; " +
            $"{ledger.Manifests.Count} manifests tried, {ledger.Manifests.Count(manifest => manifest.Committed)} committed");

        var failures = new List<string>();
        await CheckBlobsAsync(client, blobs, failures);
        await CheckManifestsAsync(client, ledger.Manifests, failures);

        // The uploads still cut off: each can be finished, or is cleanly unknown. All at once, each by a client of its
        // own: on S3 each may first wait out the append lock its killed host left.
        var leftOver = blobs.Where(blob => blob.Resumable).ToList();
        var resumed = await Task.WhenAll(leftOver.Select(async (attempt, index) =>
        {
            try
            {
                await new KillLoopPusher(client, ledger, new Random(Seed + index), $"verify{index}").ResumeAsync(attempt, Cancellation);
            }
            catch (UnexpectedAnswerException)
            {
                // In the ledger's anomalies.
            }

            if (attempt.Resumable)
            {
                return $"picked up after the last kill, neither finished nor unknown: {attempt}";
            }

            return attempt.Committed && await client.ReadBlobDigestAsync(attempt.Repository, attempt.Digest, Cancellation) != attempt.Digest
                ? $"picked up after the last kill and finished, then not served with its content: {attempt}"
                : null;
        }));
        failures.AddRange(resumed.OfType<string>());

        TestContext.Progress.WriteLine(
            $"  after the last kill: {leftOver.Count(blob => blob.Committed)} of {leftOver.Count} cut-off uploads finished, {leftOver.Count(blob => blob.Forgotten)} unknown; " +
            $"{ledger.StartOvers} uploads cut off in their PUT held nothing any more and were sent again from byte 0");
        foreach (var forgotten in blobs.Where(blob => blob.Forgotten))
        {
            TestContext.Progress.WriteLine($"  unknown when picked up again: {forgotten}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(ledger.Anomalies, Is.Empty, $"answers the registry should not have given (seed {Seed})");
            Assert.That(failures, Is.Empty, $"storage after {Kills} kills (seed {Seed})");
            Assert.That(ledger.Interruptions, Is.Positive, "some kill cut an upload off half-way (else the loop proved little)");
            Assert.That(committedBetweenKills, Is.Positive, "some push got its 201 between kills (else the loop proved little)");
        });
    }

    // How long a cycle waits for its answers at most: an object store on a loaded machine answers a push in seconds,
    // and a loop whose every kill lands before the first 201 would prove little.
    private TimeSpan AnswerWait => TimeSpan.FromSeconds(Driver == "filesystem" ? 3 : 15);

    private static async Task WaitForAnswersAsync(PushLedger ledger, int count, TimeSpan wait)
    {
        var until = ledger.Answers + count;
        var deadline = Stopwatch.StartNew();
        while (ledger.Answers < until && deadline.Elapsed < wait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), Cancellation);
        }
    }

    /// <summary>A blob answered 201 is served with its content; one whose completion was never sent is not there at all.</summary>
    private static async Task CheckBlobsAsync(RegistryPushClient client, IReadOnlyList<BlobAttempt> blobs, List<string> failures)
    {
        foreach (var blob in blobs)
        {
            var served = await client.ReadBlobDigestAsync(blob.Repository, blob.Digest, Cancellation);
            if (blob.Committed ? served != blob.Digest : served is not null && (served != blob.Digest || !blob.CompletionSent))
            {
                failures.Add($"served {served ?? "nothing"} for {blob}");
            }
        }
    }

    /// <summary>
    /// A manifest answered 201 is there by digest and by its own tag; one cut off is there entirely or not at all;
    /// the shared tag holds a manifest no committed PUT sent after it ended had replaced.
    /// </summary>
    private static async Task CheckManifestsAsync(RegistryPushClient client, IReadOnlyList<ManifestAttempt> manifests, List<string> failures)
    {
        foreach (var manifest in manifests)
        {
            var byDigest = await client.ReadManifestAsync(manifest.Repository, manifest.Image.ManifestDigest, Cancellation);
            if (byDigest is null ? manifest.Committed : !byDigest.SequenceEqual(manifest.Image.Manifest))
            {
                failures.Add($"by digest: {(byDigest is null ? "missing" : "other bytes")} for {manifest}");
            }

            if (manifest.Tag == KillLoopPusher.SharedTag)
            {
                continue;
            }

            var byTag = await client.ReadManifestAsync(manifest.Repository, manifest.Tag, Cancellation);
            if (byTag is null ? manifest.Committed : ContentDigest.Of(byTag) != manifest.Image.ManifestDigest || byDigest is null)
            {
                failures.Add($"by tag: {(byTag is null ? "missing" : ContentDigest.Of(byTag))} (by digest {(byDigest is null ? "missing" : "present")}) for {manifest}");
            }
        }

        foreach (var repository in KillLoopPusher.Repositories)
        {
            var shared = manifests.Where(manifest => manifest.Repository == repository && manifest.Tag == KillLoopPusher.SharedTag).ToList();
            var served = await client.ReadManifestAsync(repository, KillLoopPusher.SharedTag, Cancellation);
            var holder = served is null ? null : shared.SingleOrDefault(manifest => manifest.Image.ManifestDigest == ContentDigest.Of(served));
            var replacedBy = holder is null ? null : shared.FirstOrDefault(manifest => manifest.Committed && manifest.SentAt > holder.EndedAt);
            if (served is null ? shared.Any(manifest => manifest.Committed) : holder is null || replacedBy is not null)
            {
                failures.Add($"{repository}:{KillLoopPusher.SharedTag} holds {(served is null ? "nothing" : ContentDigest.Of(served))}" +
                    $"{(replacedBy is null ? string.Empty : $", which the later {replacedBy} replaced")}; pushed: {string.Join("; ", shared)}");
            }
        }
    }
}
