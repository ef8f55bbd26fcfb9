namespace OciRegistry.Api.Tests;

/// <summary><c>GET /v2/</c> and the version header every response carries.</summary>
public sealed class VersionCheckTests(RegistryTarget target) : RegistryApiTest(target)
{
    private const string ApiVersionHeader = "Docker-Distribution-API-Version";

    [Test]
    public async Task Get_v2_answers_200_with_the_api_version_header()
    {
        using var response = await Registry.GetAsync("/v2/");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.That(ResponseAssert.Header(response, ApiVersionHeader), Is.EqualTo("registry/2.0"));
    }

    [Test]
    public async Task Head_v2_answers_200_with_the_api_version_header()
    {
        using var response = await Registry.SendAsync(HttpMethod.Head, "/v2/");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.That(ResponseAssert.Header(response, ApiVersionHeader), Is.EqualTo("registry/2.0"));
    }

    [Test]
    public async Task Api_version_header_is_on_success_and_error_responses_alike()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "latest");

        var requests = new (HttpMethod Method, string Url)[]
        {
            (HttpMethod.Get, RegistryClient.ManifestPath(repository, "latest")),
            (HttpMethod.Head, RegistryClient.ManifestPath(repository, manifest.Digest)),
            (HttpMethod.Post, RegistryClient.UploadsPath(repository)),
            (HttpMethod.Get, RegistryClient.TagsPath(repository)),
            (HttpMethod.Get, "/v2/_catalog"),
            (HttpMethod.Get, RegistryClient.ReferrersPath(repository, manifest.Digest)),
            (HttpMethod.Get, RegistryClient.BlobPath(repository, ContentDigest.Unknown())),
            (HttpMethod.Get, RegistryClient.ManifestPath(repository, "missing")),
            (HttpMethod.Get, "/v2/no/such/endpoint"),
            (HttpMethod.Get, RegistryClient.TagsPath("Invalid")),
        };
        foreach (var (method, url) in requests)
        {
            using var response = await Registry.SendAsync(method, url);
            Assert.That(ResponseAssert.Header(response, ApiVersionHeader), Is.EqualTo("registry/2.0"), $"{method} {url} ({(int)response.StatusCode})");
        }
    }
}
