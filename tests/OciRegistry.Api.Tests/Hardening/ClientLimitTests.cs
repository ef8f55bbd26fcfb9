using System.Text;
using OciRegistry.Api.Tests.Auth;

namespace OciRegistry.Api.Tests.Hardening;

/// <summary>
/// Limits per client: a cap on open uploads (<c>OciRegistry:Limits:MaxOpenUploadsPerClient</c>) and a minimum body
/// rate that cuts off slow clients (<c>MinRequestBodyBytesPerSecond</c>, <c>RequestBodyGracePeriod</c>).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ClientLimitTests
{
    private const int MaxOpenUploads = 3;
    private AuthenticatedRegistry registry = null!;

    private RegistryClient Client => registry.Client;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        registry = await AuthenticatedRegistry.StartAsync(o =>
        {
            o.Limits.MaxOpenUploadsPerClient = MaxOpenUploads;
            o.Limits.MinRequestBodyBytesPerSecond = 1000;
            o.Limits.RequestBodyGracePeriod = TimeSpan.FromSeconds(2);
        });

    [OneTimeTearDown]
    public async Task StopAsync() => await registry.DisposeAsync();

    [Test]
    public async Task Open_uploads_beyond_the_cap_are_429_until_one_is_finished_or_cancelled()
    {
        var repository = $"limits/{Guid.NewGuid():N}";
        var uploads = new List<Uri>();
        for (var i = 0; i < MaxOpenUploads; i++)
        {
            uploads.Add(await Client.StartUploadAsync(repository));
        }

        using (var refused = await registry.UnchangedAsync("one upload too many", () => Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository))))
        {
            await ResponseAssert.ErrorAsync(refused, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS");
        }

        // A monolithic upload opens nothing that outlives its request: still allowed.
        await Client.PushBlobAsync(repository);

        using (var cancel = await Client.SendAsync(HttpMethod.Delete, uploads[0]))
        {
            await ResponseAssert.StatusAsync(cancel, HttpStatusCode.NoContent);
        }

        uploads[0] = await Client.StartUploadAsync(repository);

        var blob = TestBlob.Random();
        using (var complete = await Client.PutUploadAsync(uploads[1], blob.Digest, blob.Content))
        {
            await ResponseAssert.StatusAsync(complete, HttpStatusCode.Created);
        }

        uploads[1] = await Client.StartUploadAsync(repository);
        using var again = await Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository));
        await ResponseAssert.ErrorAsync(again, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS");

        foreach (var upload in uploads)
        {
            using var cancelled = await Client.SendAsync(HttpMethod.Delete, upload);
        }
    }

    [Test]
    public async Task A_client_sending_its_body_too_slowly_is_cut_off_and_its_upload_holds_no_more_than_it_sent()
    {
        var repository = $"limits/{Guid.NewGuid():N}";
        var upload = await Client.StartUploadAsync(repository);
        var body = Encoding.ASCII.GetBytes(new string('s', 200));

        // 200 bytes at 10 bytes a second would take 20 s; at least 1000 B/s is required after a 2 s grace period.
        var response = await RawHttp.SendAsync(registry.Address, "PATCH", upload.PathAndQuery, body, headers: [("Content-Type", "application/octet-stream")],
            pace: TimeSpan.FromMilliseconds(100));

        Assert.That(response.Status, Is.EqualTo(0).Or.EqualTo(408).Or.EqualTo(400), $"the slow request is refused or its connection closed: {response.Head}");
        using var status = await Client.SendAsync(HttpMethod.Get, upload);
        await ResponseAssert.StatusAsync(status, HttpStatusCode.NoContent);
        var range = ResponseAssert.RequiredHeader(status, "Range");
        Assert.That(long.Parse(range.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(body.Length - 1), "the upload does not hold the whole body");
        using var cancelled = await Client.SendAsync(HttpMethod.Delete, upload);
        await ResponseAssert.StatusAsync(cancelled, HttpStatusCode.NoContent);
    }

    [Test]
    public async Task The_cap_counts_per_user_when_authenticated()
    {
        // Two registries would be needed to tell IPs apart on loopback; users are told apart on one.
        await using var authenticated = await AuthenticatedRegistry.StartAsync(
            o =>
            {
                o.Limits.MaxOpenUploadsPerClient = 1;
                o.Auth.Schemes.Add(UserHeaderScheme.Name);
            },
            services => UserHeaderScheme.Add(services));
        var repository = $"limits/{Guid.NewGuid():N}";
        authenticated.Client.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("User", "one");
        await authenticated.Client.StartUploadAsync(repository);
        using (var second = await authenticated.Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository)))
        {
            await ResponseAssert.ErrorAsync(second, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS");
        }

        authenticated.Client.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("User", "two");
        await authenticated.Client.StartUploadAsync(repository);
    }
}
