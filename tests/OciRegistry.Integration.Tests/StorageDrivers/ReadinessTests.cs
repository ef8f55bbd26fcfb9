using System.Diagnostics;
using System.Net;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// The host's health endpoints follow its storage: with the storage server of an object-store driver hung (SIGSTOP) or
/// down (killed), <c>/health/ready</c> answers 503 while <c>/health/live</c> keeps answering 200, and readiness comes
/// back once the server does. The server is a private instance, so the shared one is never touched.
/// </summary>
[TestFixtureSource(typeof(StorageOutageTests), nameof(StorageOutageTests.Services))]
internal sealed class ReadinessTests(StorageService service) : PrivateStorageTest
{
    // A hang detector: the host's storage check gives up after 5 s, and the machine may be busy.
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(90);

    protected override StorageService Service => service;

    [Test]
    public async Task Readiness_fails_while_storage_is_away_liveness_holds_and_readiness_recovers([Values] StorageOutageTests.Outage outage)
    {
        var host = await StartHostAsync(Storage.Server.NewStorage().With(($"{service.Section}:MaxRetries", "0")));
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        var readyBefore = await StatusAsync(http, "health/ready");

        await (outage == StorageOutageTests.Outage.Hung ? Storage.FreezeAsync() : Storage.KillAsync());
        var readyDuring = await WaitForStatusAsync(http, "health/ready", HttpStatusCode.ServiceUnavailable);
        var liveDuring = await StatusAsync(http, "health/live");
        var versionDuring = await StatusAsync(http, "v2/");

        await (outage == StorageOutageTests.Outage.Hung ? Storage.ThawAsync() : Storage.RestartAsync(Cancellation));
        var readyAfter = await WaitForStatusAsync(http, "health/ready", HttpStatusCode.OK);
        var liveAfter = await StatusAsync(http, "health/live");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(readyBefore, Is.EqualTo(HttpStatusCode.OK), "readiness before the outage");
            Assert.That(readyDuring, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "readiness during the outage");
            Assert.That(liveDuring, Is.EqualTo(HttpStatusCode.OK), "liveness during the outage");
            Assert.That(versionDuring, Is.EqualTo(HttpStatusCode.OK), "GET /v2/ during the outage");
            Assert.That(readyAfter, Is.EqualTo(HttpStatusCode.OK), "readiness once storage is back");
            Assert.That(liveAfter, Is.EqualTo(HttpStatusCode.OK), "liveness once storage is back");
            Assert.That(host.HasExited, Is.False, "the host process is still running");
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        TestContext.Progress.WriteLine($"  GET /{path}: {(int)response.StatusCode} {body}");
        return response.StatusCode;
    }

    /// <summary>Asks until the endpoint answers <paramref name="expected"/> (a probe runs a fresh check each time); the last answer.</summary>
    private static async Task<HttpStatusCode> WaitForStatusAsync(HttpClient http, string path, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync(http, path);
            if (status == expected || clock.Elapsed > SettleLimit)
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), Cancellation);
        }
    }
}
