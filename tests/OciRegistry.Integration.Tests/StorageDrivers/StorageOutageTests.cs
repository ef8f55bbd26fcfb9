using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using OciRegistry.Integration.Tests.Api;
using OciRegistry.Integration.Tests.Content;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// The storage server of an object-store driver goes away while a push and while a pull are under way: it hangs
/// (every process stopped with SIGSTOP: connections are accepted, never answered) or it is down (killed:
/// connections are refused). The client gets an OCI error with a 5xx status within the driver's
/// <c>Timeout</c> (no hang), nothing half-written becomes visible, the host stays up, and once the server is
/// back the same push and pull succeed. The server is a private instance per fixture, so the shared one other
/// test assemblies use is never touched.
/// </summary>
[TestFixtureSource(nameof(Services))]
internal sealed class StorageOutageTests(StorageService service) : PrivateStorageTest
{
    private const long MiB = 1024 * 1024;

    // Large and slow enough that storage is cut off mid-transfer, with parts or blocks already written before.
    private const long BlobSize = 40 * MiB;
    private const long PaceBytesPerSecond = 8 * MiB;
    private const long OutageAfter = 12 * MiB;

    private const int StorageRetries = 1;

    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(5);

    // "Promptly, no hang": the drivers document that an operation on a server that stopped answering fails after
    // about Timeout x (MaxRetries + 1). This is a hang detector, not a speed check, so the allowance is one more
    // Timeout plus slack for backoff, the part being filled when the outage begins, and a busy two-core CI machine;
    // a hang (the defaults would take minutes) still fails.
    private static readonly TimeSpan ErrorDeadline = (StorageTimeout * (StorageRetries + 2)) + TimeSpan.FromSeconds(5);

    // What needs no storage at all (GET /v2/) must answer at once, outage or not.
    private static readonly TimeSpan StorageFreeDeadline = TimeSpan.FromSeconds(2);

    /// <summary>How the storage server goes away.</summary>
    public enum Outage
    {
        /// <summary>Its processes are stopped (SIGSTOP) and continued afterwards.</summary>
        Hung,

        /// <summary>Its processes are killed and started again by its script afterwards.</summary>
        Down,
    }

    public static IEnumerable<StorageService> Services()
    {
        yield return new SwiftS3Service();
        yield return new AzuriteService();
    }

    protected override StorageService Service => service;

    [Test]
    public async Task Push_cut_off_by_storage_fails_with_5xx_in_time_leaves_nothing_and_succeeds_once_storage_is_back([Values] Outage outage)
    {
        const string repository = "outage/push";
        var host = await StartHostAsync(StorageWithShortTimeouts());
        using var api = new RegistryApiClient(host.BaseAddress, TimeSpan.FromMinutes(1));
        var seed = NewSeed();
        var digest = await DigestOfAsync(seed);

        var upload = await api.StartUploadAsync(repository, Cancellation);
        var body = new PacedStream(new GeneratedContentStream(BlobSize, seed), PaceBytesPerSecond, OutageAfter);
        var patch = AnswerOrFailureAsync(StreamingPatch.SendAsync(upload, body, Cancellation));
        var (patched, duringOutage) = await CutOffStorageAsync(outage, body, patch, api, host, $"{repository}/blobs/{digest}");
        TestContext.Progress.WriteLine(
            $"  {service}/{outage}: PATCH answered {patched.Result} {patched.Time.TotalSeconds:0.00} s into the outage ({body.BytesRead / MiB} of {BlobSize / MiB} MiB sent)");

        await EndAsync(outage);
        using var headAfter = await api.SendAsync(HttpMethod.Head, $"{repository}/blobs/{digest}", Cancellation);
        await using var again = new GeneratedContentStream(BlobSize, seed);
        var pushedAgain = await api.PushBlobAsync(repository, again, Cancellation);
        var pulled = await api.PullBlobAsync(repository, digest, Cancellation);

        using (Assert.EnterMultipleScope())
        {
            AssertOciServerError(patched, "PATCH cut off by the outage");
            Assert.That(body.BytesRead, Is.LessThan(BlobSize), "the PATCH was answered before its whole body was sent");
            duringOutage.AssertAsExpected();
            Assert.That(headAfter.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "HEAD of the blob once storage is back: the cut upload left nothing visible");
            Assert.That(pushedAgain, Is.EqualTo(digest), "digest of the same push once storage is back");
            Assert.That(pulled, Is.EqualTo((BlobSize, digest)), "bytes and sha256 pulled after the second push");
            Assert.That(host.HasExited, Is.False, "the host process is still running");
        }
    }

    [Test]
    public async Task Pull_cut_off_by_storage_ends_in_time_then_answers_5xx_and_succeeds_once_storage_is_back([Values] Outage outage)
    {
        const string repository = "outage/pull";
        var host = await StartHostAsync(StorageWithShortTimeouts());
        using var api = new RegistryApiClient(host.BaseAddress, TimeSpan.FromMinutes(1));
        var seed = NewSeed();
        var image = await PushImageAsync(api, repository, seed);

        using var download = await api.SendAsync(HttpMethod.Get, $"{repository}/blobs/{image.Layer}", Cancellation);
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK), "GET of the layer before the outage");
        var body = new PacedStream(await download.Content.ReadAsStreamAsync(Cancellation), PaceBytesPerSecond, OutageAfter);
        var reading = RegistryApiClient.ReadToEndAsync(body, Cancellation);
        var (downloaded, duringOutage) = await CutOffStorageAsync(outage, body, DescribeAsync(reading), api, host, $"{repository}/manifests/v1");
        TestContext.Progress.WriteLine(
            $"  {service}/{outage}: the running download ended {downloaded.Time.TotalSeconds:0.00} s into the outage: {downloaded.Result} ({body.BytesRead / MiB} of {BlobSize / MiB} MiB read)");

        await EndAsync(outage);
        if (outage == Outage.Down && !service.KeepsDataAcrossRestart)
        {
            // The restarted server is empty (Azurite keeps its data in memory): what it lost is pushed again.
            Assert.That(await PushImageAsync(api, repository, seed), Is.EqualTo(image), "the image pushed again after the restart");
        }

        using var manifest = await api.SendAsync(HttpMethod.Get, $"{repository}/manifests/v1", Cancellation);
        var manifestBytes = await manifest.Content.ReadAsByteArrayAsync(Cancellation);
        var pulled = await api.PullBlobAsync(repository, image.Layer, Cancellation);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reading.IsFaulted, Is.True, $"the download cut off by the outage ends in an error, not its whole length: {downloaded.Result}");
            Assert.That(downloaded.Time, Is.LessThan(ErrorDeadline), "time from the outage until the running download ended");
            duringOutage.AssertAsExpected();
            Assert.That(manifest.StatusCode, Is.EqualTo(HttpStatusCode.OK), "GET of the manifest once storage is back");
            Assert.That(ContentDigest.Of(manifestBytes), Is.EqualTo(image.Manifest), "digest of the manifest pulled once storage is back");
            Assert.That(pulled, Is.EqualTo((BlobSize, image.Layer)), "bytes and sha256 of the layer pulled once storage is back");
            Assert.That(host.HasExited, Is.False, "the host process is still running");
        }
    }

    /// <summary>Fresh storage on the private server, with its driver's time-out small and blob GETs not redirected.</summary>
    private HostStorage StorageWithShortTimeouts() =>
        Storage.Server.NewStorage().With(
            ($"{service.Section}:Timeout", StorageTimeout.ToString()),
            ($"{service.Section}:MaxRetries", StorageRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            service.SmallPartsSetting,
            // The bytes of a pull must flow through the host for it to see storage go away.
            ("Redirect:Enabled", "false"));

    /// <summary>
    /// Once a paced transfer is past the outage point (the test fails if it ended before), cuts storage off and, while
    /// the transfer ends, probes the host; returns how the transfer ended, and when, counted from the outage.
    /// </summary>
    private async Task<(Timed<T> Transfer, OutageProbe Probe)> CutOffStorageAsync<T>(
        Outage outage, PacedStream body, Task<T> transfer, RegistryApiClient api, RegistryProcess host, string storagePath)
    {
        await Task.WhenAny(body.Passed, transfer);
        if (transfer.IsCompleted)
        {
            Assert.Fail($"The transfer ended before storage went away, after {body.BytesRead} bytes: {await transfer}");
        }

        var clock = await BeginAsync(outage);
        var probe = ProbeDuringOutageAsync(api, host, storagePath);
        var ended = await TimeAsync(transfer, clock);
        return (ended, await probe);
    }

    private async Task<Stopwatch> BeginAsync(Outage outage)
    {
        var clock = Stopwatch.StartNew();
        await (outage == Outage.Hung ? Storage.FreezeAsync() : Storage.KillAsync());
        TestContext.Progress.WriteLine($"  {service} storage {(outage == Outage.Hung ? "stopped (SIGSTOP)" : "killed")} in {clock.Elapsed.TotalSeconds:0.00} s");
        return clock;
    }

    private Task EndAsync(Outage outage) => outage == Outage.Hung ? Storage.ThawAsync() : Storage.RestartAsync(Cancellation);

    /// <summary>
    /// Requests sent as the outage begins: <c>GET /v2/</c> still answers 200 at once, and a request that needs
    /// storage gets an OCI error with a 5xx status within the deadline.
    /// </summary>
    private static async Task<OutageProbe> ProbeDuringOutageAsync(RegistryApiClient api, RegistryProcess host, string storagePath)
    {
        var clock = Stopwatch.StartNew();
        var root = TimeAsync(AnswerOrFailureAsync(api.SendAsync(HttpMethod.Get, string.Empty, Cancellation)), clock);
        var needsStorage = TimeAsync(AnswerOrFailureAsync(api.SendAsync(HttpMethod.Get, storagePath, Cancellation)), clock);
        await Task.WhenAll(root, needsStorage);
        TestContext.Progress.WriteLine(
            $"  during the outage: GET /v2/ {root.Result.Result} in {root.Result.Time.TotalSeconds:0.00} s; GET /v2/{storagePath} {needsStorage.Result.Result} in {needsStorage.Result.Time.TotalSeconds:0.00} s");
        return new OutageProbe(await root, await needsStorage, host.HasExited);
    }

    private static void AssertOciServerError(Timed<Answer> answer, string what)
    {
        Assert.That(answer.Result.Status, Is.InRange(500, 599), $"{what}: status ({answer.Result})");
        Assert.That(answer.Result.ErrorCode, Is.Not.Null.And.Not.StartWith("("), $"{what}: an OCI error body");
        Assert.That(answer.Time, Is.LessThan(ErrorDeadline), $"{what}: time until the answer");
    }

    private static async Task<Timed<T>> TimeAsync<T>(Task<T> task, Stopwatch clock) => new(await task, clock.Elapsed);

    private static ulong NewSeed() => (ulong)Random.Shared.NextInt64();

    private static async Task<string> DigestOfAsync(ulong seed)
    {
        await using var content = new GeneratedContentStream(BlobSize, seed);
        return (await RegistryApiClient.ReadToEndAsync(content, Cancellation)).Digest;
    }

    /// <summary>An image of one large generated layer, tagged <c>v1</c>.</summary>
    private static async Task<PushedImage> PushImageAsync(RegistryApiClient api, string repository, ulong seed)
    {
        await using var content = new GeneratedContentStream(BlobSize, seed);
        var layer = await api.PushBlobAsync(repository, content, Cancellation);
        var configBytes = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layer) },
        }.ToJsonString());
        var config = await api.PushBlobAsync(repository, configBytes, Cancellation);
        var manifestBytes = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = TestImages.OciManifestMediaType,
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", config, configBytes.Length),
            ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar", layer, BlobSize)),
        }.ToJsonString());
        var manifest = await api.PutManifestAsync(repository, "v1", manifestBytes, TestImages.OciManifestMediaType, Cancellation);
        return new PushedImage(layer, manifest);
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    /// <summary>The answer to a request, or how it failed without one.</summary>
    private static async Task<Answer> AnswerOrFailureAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
            var code = (int)response.StatusCode >= 400 ? await RegistryApiClient.ErrorCodeAsync(response, Cancellation) : null;
            return new Answer((int)response.StatusCode, code, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Answer(null, null, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private static async Task<Answer> AnswerOrFailureAsync(Task<(int Status, string Body)> request)
    {
        try
        {
            var (status, body) = await request;
            return new Answer(status, status >= 400 ? RegistryApiClient.ErrorCode(body) : null, null);
        }
        catch (Exception exception) when (exception is IOException or SocketException or TaskCanceledException)
        {
            return new Answer(null, null, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private static async Task<string> DescribeAsync<T>(Task<T> task)
    {
        try
        {
            return $"completed with {await task}";
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException or TaskCanceledException)
        {
            return $"failed: {exception.GetType().Name}: {exception.Message}";
        }
    }

    private sealed record PushedImage(string Layer, string Manifest);

    private sealed record Answer(int? Status, string? ErrorCode, string? Failure)
    {
        public override string ToString() => Failure ?? $"{Status}{(ErrorCode is null ? string.Empty : $" {ErrorCode}")}";
    }

    private sealed record Timed<T>(T Result, TimeSpan Time);

    private sealed record OutageProbe(Timed<Answer> Root, Timed<Answer> NeedsStorage, bool HostExited)
    {
        public void AssertAsExpected()
        {
            Assert.That(HostExited, Is.False, "the host process is running during the outage");
            Assert.That(Root.Result.Status, Is.EqualTo(200), $"GET /v2/ during the outage: {Root.Result}");
            Assert.That(Root.Time, Is.LessThan(StorageFreeDeadline), "time GET /v2/ took during the outage");
            AssertOciServerError(NeedsStorage, "a request that needs storage during the outage");
        }
    }
}
