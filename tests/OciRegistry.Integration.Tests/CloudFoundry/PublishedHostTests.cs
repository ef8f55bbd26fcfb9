using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using OciRegistry.Integration.Tests.Api;
using OciRegistry.Integration.Tests.Content;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.CloudFoundry;

/// <summary>
/// The host as a Cloud Foundry buildpack runs it: published once (<c>dotnet publish</c>), started from its publish
/// folder as its own process with <c>PORT</c>, <c>VCAP_APPLICATION</c> and <c>VCAP_SERVICES</c> set and no other
/// setting, bound to a bucket of the shared S3 server the way a service broker binds one. Its telemetry goes to a
/// Prometheus scrape endpoint and to an OTLP receiver of the test's own, its logs to the console as JSON.
/// </summary>
internal sealed class PublishedHostTests : RealClientTest
{
    private const long MiB = 1024 * 1024;

    // A hang detector for what the host does on its own time (the configuration files are polled every few seconds).
    private static readonly TimeSpan SwitchLimit = TimeSpan.FromSeconds(60);

    private const string VcapApplication =
        """{"application_name":"ociregistry","application_id":"5d1e6a1c-0000-4000-8000-000000000001","instance_index":0,"space_name":"test","limits":{"mem":256}}""";

    private TemporaryDirectory? published;

    private string AppDirectory => Path.Combine(published?.Path ?? throw new InvalidOperationException("The host is not published."), "app");

    [OneTimeSetUp]
    public async Task PublishHostAsync()
    {
        published = new TemporaryDirectory();
        var clock = Stopwatch.StartNew();
        await ExternalProgram.RunCheckedAsync("dotnet",
            ["publish", Path.Combine(OciRegistryHost.ProjectDirectory, "OciRegistry.Host.csproj"), "-c", OciRegistryHost.BuildConfiguration, "--no-build", "-o", AppDirectory,
             "-p:DOTNET_CLI_TELEMETRY_OPTOUT=1"],
            CancellationToken.None);
        TestContext.Progress.WriteLine($"  published the host to {AppDirectory} in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public void DeletePublishedHost() => published?.Dispose();

    [Test]
    public async Task Bound_to_an_S3_bucket_by_VCAP_SERVICES_it_serves_skopeo_and_keeps_the_blobs_in_that_bucket()
    {
        var storage = StorageServer.Shared(new SwiftS3Service()).NewStorage();
        var s3 = storage.Settings.ToDictionary(setting => setting.Key, setting => setting.Value);
        var vcapServices = new JsonObject
        {
            ["aws-s3"] = new JsonArray(new JsonObject
            {
                ["name"] = "registry-bucket",
                ["label"] = "aws-s3",
                ["plan"] = "standard",
                ["credentials"] = new JsonObject
                {
                    ["access_key_id"] = s3["S3:AccessKeyId"],
                    ["secret_access_key"] = s3["S3:SecretAccessKey"],
                    ["bucket"] = s3["S3:Bucket"],
                    ["region"] = s3["S3:Region"],
                    ["endpoint"] = s3["S3:ServiceUrl"],
                },
            }),
        }.ToJsonString();
        await using var otlp = OtlpReceiver.Start();
        await using var host = await StartPublishedHostAsync(storage.Description, vcapServices,
            ("Telemetry__Exporters", "prometheus,otlp"), ("Telemetry__Otlp__Endpoint", otlp.Endpoint.ToString()), ("Telemetry__Otlp__Protocol", "http/protobuf"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "1000"), ("OTEL_BSP_SCHEDULE_DELAY", "500"), ("OTEL_BLRP_SCHEDULE_DELAY", "500"),
            ("Logging__Console__FormatterName", "json"));
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var catalogBefore = await GetStringAsync(http, "v2/_catalog");
        var pushed = await Skopeo.CopyAsync(layout.Reference("v1"), host.ImageReference("cf/demo:v1"), Cancellation);
        var catalogAfter = await GetStringAsync(http, "v2/_catalog");
        var pulled = await Skopeo.CopyAsync(host.ImageReference("cf/demo:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);
        var manifest = await Skopeo.RawManifestAsync(host.ImageReference("cf/demo:v1"), Cancellation);

        // A large layer through the host (PATCH streamed to S3 parts), for the peak memory figure the manifest is sized from.
        using var api = new RegistryApiClient(host.BaseAddress, TimeSpan.FromMinutes(2));
        await using var large = new GeneratedContentStream(256 * MiB, (ulong)Random.Shared.NextInt64());
        var largeDigest = await api.PushBlobAsync("cf/large", large, Cancellation);
        // The GET answers 307 to a presigned URL of the bucket (redirects are on by default): followed here.
        await using var largeDownload = await http.GetStreamAsync(new Uri($"v2/cf/large/blobs/{largeDigest}", UriKind.Relative), Cancellation);
        var largePulled = await RegistryApiClient.ReadToEndAsync(largeDownload, Cancellation);
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  peak resident memory of the published host (VmHWM) after the pushes and pulls: {host.ReadPeakResidentBytes() / (double)MiB:0.0} MiB"));

        var ready = await GetAsync(http, "health/ready");
        var metrics = await GetStringAsync(http, "metrics");
        var keys = await ListBucketAsync(s3, "docker/registry/v2/blobs/");
        var exported = await WaitForExportsAsync(otlp, "/v1/metrics", "/v1/traces", "/v1/logs");
        await host.StopAsync();
        var logLines = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(catalogBefore, Is.EqualTo("""{"repositories":[]}"""), "catalog of the new bucket");
            Assert.That(catalogAfter, Is.EqualTo("""{"repositories":["cf/demo"]}"""), "catalog after the push");
            Assert.That(pulled, Is.EqualTo(pushed), "digest skopeo pulled back");
            Assert.That(ContentDigest.Of(manifest), Is.EqualTo(pushed), "digest of the manifest served");
            Assert.That(largePulled, Is.EqualTo((256 * MiB, largeDigest)), "the large blob pulled back");
            foreach (var digest in ManifestJson.LayerDigests(manifest).Append(ManifestJson.ConfigDigest(manifest)).Append(pushed).Append(largeDigest))
            {
                var hex = digest["sha256:".Length..];
                Assert.That(keys, Does.Contain($"docker/registry/v2/blobs/sha256/{hex[..2]}/{hex}/data"), $"{digest} in bucket {s3["S3:Bucket"]}");
            }

            Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.OK), $"readiness: {ready.Body}");
            Assert.That(ready.Body, Does.Contain("oci-registry-storage-s3"), "readiness checks the S3 bucket");
            Assert.That(metrics, Does.Contain("ociregistry_requests_total{").And.Contain("endpoint=\"manifest\""), "Prometheus scrape endpoint");
            Assert.That(exported, Is.SupersetOf(new[] { "/v1/metrics", "/v1/traces", "/v1/logs" }), "signals exported over OTLP");
            Assert.That(logLines, Is.Not.Empty);
            Assert.That(logLines.Where(line => !IsJsonObject(line)).ToList(), Is.Empty, "every log line is JSON");
            Assert.That(host.Output, Does.Not.Contain("filesystem storage"), "no warning about ephemeral storage when a bucket is bound");
        }
    }

    [Test]
    public async Task Unbound_on_the_apps_own_disk_it_warns_watches_no_data_folder_and_switches_to_read_only_when_appsettings_say_so()
    {
        await using var host = await StartPublishedHostAsync("its app folder's registry-data", vcapServices: null);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var overrides = Path.Combine(AppDirectory, "appsettings.Production.json");
        try
        {
            var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
            var pushed = await Skopeo.CopyAsync(layout.Reference("v1"), host.ImageReference("cf/disk:v1"), Cancellation);
            var inotifyWatches = InotifyWatches(host.ProcessId);

            await File.WriteAllTextAsync(overrides, """{"OciRegistry":{"ReadOnly":true}}""", Cancellation);
            var refused = await WaitForUploadStatusAsync(http, HttpStatusCode.MethodNotAllowed);
            var pulledWhileReadOnly = await Skopeo.CopyAsync(host.ImageReference("cf/disk:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);
            var pushWhileReadOnly = await Skopeo.TryCopyAsync(layout.Reference("v1"), host.ImageReference("cf/disk:v2"), Cancellation);

            await File.WriteAllTextAsync(overrides, """{"OciRegistry":{"ReadOnly":false}}""", Cancellation);
            var accepted = await WaitForUploadStatusAsync(http, HttpStatusCode.Accepted);
            var pushedAgain = await Skopeo.CopyAsync(layout.Reference("v1"), host.ImageReference("cf/disk:v2"), Cancellation);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(host.Output, Does.Contain("Running on Cloud Foundry with filesystem storage"), "the ephemeral-storage warning");
                Assert.That(Directory.Exists(Path.Combine(AppDirectory, "registry-data", "docker", "registry", "v2", "repositories", "cf", "disk")), Is.True,
                    "data in the app folder's registry-data");
                Assert.That(inotifyWatches, Is.Zero, "inotify watches of the host after a push (the default configuration watcher put one on every folder)");
                Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed), $"upload start once appsettings say read-only: {refused.Body}");
                Assert.That(refused.Body, Does.Contain("read-only"));
                Assert.That(pulledWhileReadOnly, Is.EqualTo(pushed), "pull while read-only");
                Assert.That(pushWhileReadOnly.Succeeded, Is.False, "skopeo push while read-only");
                Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.Accepted), "upload start once appsettings say read-write again");
                Assert.That(pushedAgain, Is.EqualTo(pushed), "push after switching back");
            }
        }
        finally
        {
            File.Delete(overrides);
        }
    }

    /// <summary>Starts the published host as a buildpack does: from its folder, <c>PORT</c> and the VCAP variables its only settings.</summary>
    private async Task<RegistryProcess> StartPublishedHostAsync(string storage, string? vcapServices, params (string Name, string Value)[] environment) =>
        await RegistryProcess.StartAsync("published OciRegistry.Host", storage, null, port =>
        {
            var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = AppDirectory, ArgumentList = { Path.Combine(AppDirectory, "OciRegistry.Host.dll") } };
            foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_URLS", "VCAP_SERVICES" })
            {
                startInfo.Environment.Remove(name);
            }

            startInfo.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
            startInfo.Environment["VCAP_APPLICATION"] = VcapApplication;
            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            if (vcapServices is not null)
            {
                startInfo.Environment["VCAP_SERVICES"] = vcapServices;
            }

            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }

            return startInfo;
        }, Cancellation);

    /// <summary>Starts uploads until one answers <paramref name="expected"/> (the host polls its configuration files); the last answer.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> WaitForUploadStatusAsync(HttpClient http, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsync(new Uri("v2/cf/switch/blobs/uploads/", UriKind.Relative), content: null, Cancellation);
            var answer = (response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
            if (response.StatusCode == expected || clock.Elapsed > SwitchLimit)
            {
                TestContext.Progress.WriteLine($"  POST upload answered {(int)response.StatusCode} {clock.Elapsed.TotalSeconds:0.0} s after the appsettings change");
                return answer;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Cancellation);
        }
    }

    /// <summary>Waits until every one of <paramref name="paths"/> received an export (the host exports on its own schedule); the paths seen.</summary>
    private static async Task<HashSet<string>> WaitForExportsAsync(OtlpReceiver otlp, params string[] paths)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = otlp.Exports.Where(export => export.Bytes > 0).Select(export => export.Path).ToHashSet();
            if (paths.All(seen.Contains) || clock.Elapsed > SwitchLimit)
            {
                return seen;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Cancellation);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    private static async Task<string> GetStringAsync(HttpClient http, string path)
    {
        var (status, body) = await GetAsync(http, path);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"GET /{path}: {body}");
        return body;
    }

    private static async Task<List<string>> ListBucketAsync(Dictionary<string, string> s3, string prefix)
    {
        using var client = new AmazonS3Client(s3["S3:AccessKeyId"], s3["S3:SecretAccessKey"], new AmazonS3Config
        {
            ServiceURL = s3["S3:ServiceUrl"],
            ForcePathStyle = true,
            AuthenticationRegion = s3["S3:Region"],
        });
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = s3["S3:Bucket"], Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, Cancellation);
            keys.AddRange((page.S3Objects ?? []).Select(item => item.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys;
    }

    // Each inotify instance the process holds lists one "inotify wd:" line per watch in its fdinfo.
    private static int InotifyWatches(int processId) =>
        Directory.EnumerateFiles($"/proc/{processId}/fdinfo")
            .Sum(file =>
            {
                try
                {
                    return File.ReadLines(file).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0;
                }
            });

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
