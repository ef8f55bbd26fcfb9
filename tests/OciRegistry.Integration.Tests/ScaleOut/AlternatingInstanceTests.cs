using System.Net;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// Three hosts on one storage behind a round-robin proxy, no sticky sessions: every request of an upload may land
/// on another instance, and instances may be restarted under a client's feet. Clients only follow <c>Location</c>.
/// </summary>
[TestFixtureSource(typeof(ScaleOutTargets), nameof(ScaleOutTargets.FileSystemAndS3))]
internal sealed class AlternatingInstanceTests(StorageTarget target) : ScaleOutTest(target)
{
    private const int MiB = 1024 * 1024;
    private const int Instances = 3;

    // Below, at and above S3's smallest part (5 MiB), a few bytes, and one left for the PUT.
    private static readonly int[] ChunkSizes = [MiB, (5 * MiB) + 3, 17, 2 * MiB, 3 * MiB, 12_345];

    [Test]
    public async Task Chunked_upload_whose_requests_alternate_between_instances_completes_with_the_right_digest()
    {
        var cluster = await StartClusterAsync(CreateStorage(), Instances);
        using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
        var content = SyntheticImage.RandomBlob(Random, ChunkSizes.Sum());

        var digest = await client.PushChunkedAsync("scale/alternating", content, ChunkSizes, checkStatus: true, Cancellation);

        var upload = cluster.Proxy.Forwarded.Where(request => request.Target.Contains("/blobs/uploads/", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(digest, Is.EqualTo(ContentDigest.Of(content)));
            Assert.That(upload.Select(request => request.Backend).Distinct().Count(), Is.EqualTo(Instances),
                $"the upload's requests reached every instance:{Environment.NewLine}{string.Join(Environment.NewLine, upload)}");
            Assert.That(upload.Zip(upload.Skip(1)).Any(pair => pair.First.Backend == pair.Second.Backend), Is.False,
                "no two consecutive requests of the upload went to the same instance");
        });
        await AssertEveryInstanceServesAsync(cluster, "scale/alternating", digest);
    }

    [Test]
    public async Task Uploads_started_at_once_on_fresh_instances_continue_on_the_others()
    {
        // No instance has the signing secret yet: the first uploads race to create it in storage.
        var cluster = await StartClusterAsync(CreateStorage(), Instances);
        using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
        var blobs = Enumerable.Range(0, 4 * Instances).Select(_ => SyntheticImage.RandomBlob(Random, Random.Next(1, 3 * MiB))).ToList();

        var digests = await Task.WhenAll(blobs.Select(blob =>
            client.PushChunkedAsync("scale/fresh", blob, [blob.Length / 2, blob.Length - (blob.Length / 2)], checkStatus: true, Cancellation)));

        Assert.That(digests, Is.EqualTo(blobs.Select(blob => ContentDigest.Of(blob))));
        await AssertEveryInstanceServesAsync(cluster, "scale/fresh", digests[^1]);
    }

    [Test]
    public async Task Skopeo_push_and_pull_through_the_proxy_keep_the_digests()
    {
        var layout = await TestImages.MultiArchAsync(Work.Combine("source"), "multi", Cancellation);
        var sourceDigest = await layout.DigestAsync("multi", Cancellation);
        var cluster = await StartClusterAsync(CreateStorage(), Instances);
        var image = cluster.Proxy.ImageReference("scale/skopeo:multi");

        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("multi"), image, Cancellation, "--all");
        var pulled = OciImageLayout.Open(Work.Combine("pulled"));
        var pulledDigest = await Skopeo.CopyAsync(image, pulled.Reference("multi"), Cancellation, "--all");

        var servedDigests = new List<string>();
        foreach (var instance in cluster.Instances)
        {
            servedDigests.Add(await Skopeo.ManifestDigestAsync(instance.ImageReference("scale/skopeo:multi"), Cancellation));
        }

        Assert.Multiple(() =>
        {
            Assert.That(pushedDigest, Is.EqualTo(sourceDigest), "digest skopeo pushed through the proxy");
            Assert.That(pulledDigest, Is.EqualTo(sourceDigest), "digest skopeo pulled through the proxy");
            Assert.That(servedDigests, Is.All.EqualTo(sourceDigest), "digest each instance serves directly");
            Assert.That(cluster.Proxy.Forwarded.Select(request => request.Backend).Distinct().Count(), Is.EqualTo(Instances),
                "skopeo's requests reached every instance");
        });
    }

    [Test]
    public async Task Upload_survives_every_instance_being_killed_and_restarted_in_the_middle_of_it()
    {
        var cluster = await StartClusterAsync(CreateStorage(), Instances);
        using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
        var content = SyntheticImage.RandomBlob(Random, 9 * MiB);
        var upload = await StartChunkedAsync(client, "scale/restarted", content, 3 * MiB, MiB + 1);

        // Every instance killed with SIGKILL and started again: no process that has seen the upload is left, nor any
        // cache it kept.
        await Task.WhenAll(Enumerable.Range(0, Instances).Select(index => cluster.RestartAsync(index, Cancellation)));

        await FinishFromStatusAsync(client, upload, content, (4 * MiB) + 1, (4 * MiB) + 1);
        await AssertEveryInstanceServesAsync(cluster, "scale/restarted", ContentDigest.Of(content));
    }

    [Test]
    public async Task Upload_continues_after_the_instance_receiving_a_chunk_is_killed_in_the_middle_of_it()
    {
        var cluster = await StartClusterAsync(CreateStorage(), Instances);
        using var client = new RegistryPushClient(cluster.Proxy.BaseAddress, RequestTimeout);
        var content = SyntheticImage.RandomBlob(Random, 8 * MiB);
        var upload = await StartChunkedAsync(client, "scale/cut", content, 2 * MiB);

        // The next chunk, 4 MiB sent at 2 MiB/s, is under way when the instance receiving it is killed.
        var receiving = cluster.Proxy.NextBackend;
        var chunk = new PacedStream(new MemoryStream(content, 2 * MiB, 4 * MiB), 2 * MiB, signalAt: MiB);
        var patching = client.PatchAsync(upload, chunk, 2 * MiB, 4 * MiB, Cancellation);
        await chunk.Passed.WaitAsync(Cancellation);
        await cluster.KillAsync(receiving);
        try
        {
            using var cut = await patching;
            Assert.That(cut.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway), "the proxy's answer for the killed instance");
        }
        catch (HttpRequestException)
        {
            // Or the connection went down with it.
        }

        await cluster.RestartAsync(receiving, Cancellation);

        // The registry holds what it received of the cut chunk, all or part of it: the client continues from there.
        await FinishFromStatusAsync(client, upload, content, 2 * MiB, 6 * MiB);
        await AssertEveryInstanceServesAsync(cluster, "scale/cut", ContentDigest.Of(content));
    }

    /// <summary>POST, then a PATCH per chunk size: the first bytes of an upload; returns the Location to continue at.</summary>
    private static async Task<Uri> StartChunkedAsync(RegistryPushClient client, string repository, byte[] content, params int[] chunkSizes)
    {
        var (upload, _) = await StepAsync(client, client.StartUploadAsync(repository, Cancellation), HttpStatusCode.Accepted);
        var offset = 0;
        foreach (var size in chunkSizes)
        {
            (upload, _) = await StepAsync(client, client.PatchAsync(upload, content.AsMemory(offset, size), offset, Cancellation), HttpStatusCode.Accepted);
            offset += size;
        }

        return upload;
    }

    /// <summary>Sends one request of an upload and asserts its status; returns the Location to follow and the Range's end.</summary>
    private static async Task<(Uri Location, long? RangeEnd)> StepAsync(RegistryPushClient client, Task<HttpResponseMessage> sending, HttpStatusCode expected)
    {
        using var response = await sending;
        Assert.That(response.StatusCode, Is.EqualTo(expected), await RegistryPushClient.DescribeAsync(response));
        return (client.Location(response), RegistryPushClient.RangeEnd(response));
    }

    /// <summary>
    /// Asks where the upload stands (on whichever instance), expects between <paramref name="least"/> and
    /// <paramref name="most"/> bytes, and sends the rest from there: a PATCH, then a PUT with the last bytes.
    /// </summary>
    private static async Task FinishFromStatusAsync(RegistryPushClient client, Uri upload, byte[] content, int least, int most)
    {
        const int LastChunk = 12_345;
        var (location, end) = await StepAsync(client, client.GetStatusAsync(upload, Cancellation), HttpStatusCode.NoContent);
        var offset = (int)(end + 1 ?? 0);
        Assert.That(offset, Is.InRange(least, most), "where the upload's status says it stands");
        (location, _) = await StepAsync(
            client, client.PatchAsync(location, content.AsMemory(offset, content.Length - LastChunk - offset), offset, Cancellation), HttpStatusCode.Accepted);
        await StepAsync(client, client.CompleteAsync(location, ContentDigest.Of(content), content.AsMemory(content.Length - LastChunk), Cancellation), HttpStatusCode.Created);
    }

    /// <summary>Each instance, asked directly, serves the blob with the content of its digest.</summary>
    private static async Task AssertEveryInstanceServesAsync(RegistryCluster cluster, string repository, string digest)
    {
        var served = new List<string?>();
        foreach (var instance in cluster.Instances)
        {
            using var direct = new RegistryPushClient(instance.BaseAddress, RequestTimeout);
            served.Add(await direct.ReadBlobDigestAsync(repository, digest, Cancellation));
        }

        Assert.That(served, Is.All.EqualTo(digest), "sha256 of the blob each instance serves");
    }
}
