using System.Text;

namespace OciRegistry.Api.Tests;

/// <summary>
/// What the registry answers to requests it cannot serve: invalid names, unknown paths, wrong methods and
/// malformed input. Always the status the spec gives and the OCI error JSON; never a 5xx for a client's mistake.
/// </summary>
public sealed class RequestValidationTests(RegistryTarget target) : RegistryApiTest(target)
{
    private static readonly string SomeDigest = ContentDigest.Sha256("some content"u8);

    [TestCase("Upper/case")]
    [TestCase("a//b")]
    [TestCase("-x")]
    [TestCase("a/-x")]
    [TestCase("x-")]
    [TestCase("a___b")]
    [TestCase("a..b")]
    [TestCase("a%2Fb")]
    [TestCase("a b")]
    public Task Invalid_repository_name_is_400_NAME_INVALID_on_every_endpoint(string name) => AssertNameInvalidEverywhereAsync(name);

    [Test]
    public Task Repository_name_of_256_characters_is_400_NAME_INVALID_on_every_endpoint() =>
        AssertNameInvalidEverywhereAsync($"{Guid.NewGuid():N}/{new string('n', 256 - 33)}");

    [Test]
    public async Task Repository_name_of_255_characters_is_accepted()
    {
        var name = $"{Guid.NewGuid():N}/{new string('n', 255 - 33)}";
        Assert.That(name, Has.Length.EqualTo(255));

        var manifest = await Registry.PushImageAsync(name, "longest");

        await Registry.AssertManifestAsync(name, "longest", manifest);
    }

    [TestCase("/v2/x/unknown")]
    [TestCase("/v2/x")]
    [TestCase("/v2/x/blobs/")]
    [TestCase("/v2/x/manifests/")]
    [TestCase("/v2/x/tags")]
    [TestCase("/v2/x/tags/list/extra")]
    [TestCase("/v2/x/referrers/")]
    [TestCase("/v2/_catalog/extra")]
    [TestCase("/v2/x/blobs/uploads/id/extra")]
    public async Task Unknown_path_under_v2_is_404_with_an_error_body(string path)
    {
        using var response = await Registry.GetAsync(path);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound);
    }

    [TestCase("POST", "manifests/latest")]
    [TestCase("PATCH", "manifests/latest")]
    [TestCase("POST", "blobs/{digest}")]
    [TestCase("PUT", "blobs/{digest}")]
    [TestCase("PATCH", "blobs/{digest}")]
    [TestCase("PUT", "tags/list")]
    [TestCase("POST", "tags/list")]
    [TestCase("DELETE", "tags/list")]
    [TestCase("PUT", "referrers/{digest}")]
    [TestCase("DELETE", "referrers/{digest}")]
    [TestCase("GET", "blobs/uploads/")]
    [TestCase("PUT", "blobs/uploads/")]
    [TestCase("PATCH", "blobs/uploads/")]
    [TestCase("DELETE", "blobs/uploads/")]
    [TestCase("POST", "blobs/uploads/{upload}")]
    public async Task Wrong_method_on_a_repository_endpoint_is_405_with_an_error_body(string method, string endpoint)
    {
        using var response = await SendWrongMethodAsync(method, endpoint);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [TestCase("POST", "/v2/_catalog")]
    [TestCase("DELETE", "/v2/_catalog")]
    [TestCase("POST", "/v2/")]
    [TestCase("DELETE", "/v2/")]
    public async Task Wrong_method_on_a_registry_endpoint_is_405_with_an_error_body(string method, string path)
    {
        using var response = await Registry.SendAsync(new HttpMethod(method), path);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    /// <summary>HTTP (RFC 9110, 15.5.6), not the OCI spec: a 405 must say which methods the resource allows.</summary>
    [TestCase("POST", "manifests/latest")]
    [TestCase("PUT", "tags/list")]
    public async Task Wrong_method_answer_names_the_allowed_methods_in_Allow(string method, string endpoint)
    {
        using var response = await SendWrongMethodAsync(method, endpoint);

        await ResponseAssert.StatusAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.That(ResponseAssert.Header(response, "Allow"), Is.Not.Null.And.Not.Empty);
    }

    [TestCaseSource(nameof(ClientMistakes))]
    public async Task Client_mistake_is_never_a_server_error(Func<RegistryClient, string, Task<HttpResponseMessage>> send)
    {
        var repository = NewRepository();
        await Registry.PushImageAsync(repository, "existing");

        using var response = await send(Registry, repository);

        await TestContext.Out.WriteLineAsync($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} -> {(int)response.StatusCode}");
        if ((int)response.StatusCode >= 400)
        {
            await ResponseAssert.ClientErrorAsync(response);
        }
    }

    private static IEnumerable<TestCaseData> ClientMistakes()
    {
        yield return Mistake("PATCH with a garbage Content-Range", async (r, repo) => await r.PatchAsync(await r.StartUploadAsync(repo), [1, 2, 3], "garbage"));
        yield return Mistake("PATCH with an inverted Content-Range", async (r, repo) => await r.PatchAsync(await r.StartUploadAsync(repo), [1, 2, 3], "5-2"));
        yield return Mistake("PATCH whose Content-Range disagrees with its length", async (r, repo) => await r.PatchAsync(await r.StartUploadAsync(repo), [1, 2, 3], "0-99"));
        yield return Mistake("PUT upload with a malformed digest", async (r, repo) => await r.PutUploadAsync(await r.StartUploadAsync(repo), "sha256:zz", [1]));
        yield return Mistake("PUT upload with an unsupported algorithm", async (r, repo) => await r.PutUploadAsync(await r.StartUploadAsync(repo), "md5:d41d8cd98f00b204e9800998ecf8427e", [1]));
        yield return Mistake("POST with a malformed digest", (r, repo) => r.PostBlobAsync(repo, [1, 2], "garbage"));
        yield return Mistake("POST with an empty digest", (r, repo) => r.PostBlobAsync(repo, [1, 2], ""));
        yield return Mistake("POST mount of a malformed digest", (r, repo) => r.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(repo)}?mount=garbage&from={repo}"));
        yield return Mistake("POST mount from an invalid repository", (r, repo) => r.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(repo)}?mount={SomeDigest}&from=In--valid"));
        yield return Mistake("POST with a forged forwarded host", (r, repo) => r.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repo), null, ("X-Forwarded-Host", "evil host/<x>"), ("X-Forwarded-Proto", "gopher")));
        yield return Mistake("manifest that is a JSON array", (r, repo) => PutManifestText(r, repo, "[1,2]"));
        yield return Mistake("manifest that is a JSON string", (r, repo) => PutManifestText(r, repo, "\"manifest\""));
        yield return Mistake("empty manifest", (r, repo) => PutManifestText(r, repo, ""));
        yield return Mistake("manifest of invalid UTF-8", (r, repo) => r.PutManifestAsync(repo, "bad", [0x7B, 0xFF, 0xFE, 0x7D], MediaType.OciManifest));
        yield return Mistake("manifest nested 200 deep", (r, repo) => PutManifestText(r, repo, $"{{\"schemaVersion\":2,\"annotations\":{new string('[', 200)}{new string(']', 200)}}}"));
        yield return Mistake("manifest with a config without digest", (r, repo) => PutManifestText(r, repo, Image("{\"mediaType\":\"a/b\",\"size\":1}", "[]")));
        yield return Mistake("manifest with a null config", (r, repo) => PutManifestText(r, repo, Image("null", "[]")));
        yield return Mistake("manifest with a negative layer size", (r, repo) => PutManifestText(r, repo, Image(Descriptor(1), $"[{Descriptor(-1)}]")));
        yield return Mistake("manifest with a size beyond any integer", (r, repo) => PutManifestText(r, repo, Image(Descriptor(1), "[" + Descriptor(1).Replace("\"size\":1", "\"size\":1e400", StringComparison.Ordinal) + "]")));
        yield return Mistake("manifest with layers that are no array", (r, repo) => PutManifestText(r, repo, Image(Descriptor(1), "\"layers\"")));
        yield return Mistake("manifest with a string subject", (r, repo) => PutManifestText(r, repo, Image(Descriptor(1), "[]").Replace("\"layers\"", "\"subject\":\"x\",\"layers\"", StringComparison.Ordinal)));
        yield return Mistake("manifest of an unknown media type", (r, repo) => PutManifestText(r, repo, "{\"schemaVersion\":2,\"mediaType\":\"application/x-unknown\"}"));
        yield return Mistake("manifest whose Content-Type contradicts its mediaType", (r, repo) => r.PutManifestAsync(repo, "bad", Encoding.UTF8.GetBytes(Image(Descriptor(1), "[]")), MediaType.OciIndex));
        yield return Mistake("manifest with a garbage Content-Type", (r, repo) => r.PutManifestAsync(repo, "bad", Encoding.UTF8.GetBytes(Image(Descriptor(1), "[]")), "garbage;;;=="));
        yield return Mistake("index whose manifests are an object", (r, repo) => PutManifestText(r, repo, $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaType.OciIndex}\",\"manifests\":{{}}}}"));
        yield return Mistake("manifest PUT by a sha512 digest that does not match", (r, repo) => r.PutManifestAsync(repo, ContentDigest.Sha512("other"u8), Encoding.UTF8.GetBytes(Image(Descriptor(1), "[]")), MediaType.OciManifest));
        yield return Mistake("manifest PUT by an uppercase digest", (r, repo) => r.PutManifestAsync(repo, SomeDigest.ToUpperInvariant(), "{}"u8.ToArray(), MediaType.OciManifest));
        yield return Mistake("manifest GET by a non-ASCII tag", (r, repo) => r.GetManifestAsync(repo, "t%C3%A9g"));
        yield return Mistake("manifest DELETE by a short digest", (r, repo) => r.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repo, "sha256:1234")));
        yield return Mistake("blob GET by an uppercase digest", (r, repo) => r.GetAsync(RegistryClient.BlobPath(repo, SomeDigest.ToUpperInvariant())));
        yield return Mistake("blob GET with a garbage Range", async (r, repo) => await r.GetAsync(RegistryClient.BlobPath(repo, (await r.PushBlobAsync(repo)).Digest), ("Range", "bytes=abc")));
        yield return Mistake("blob GET with an inverted Range", async (r, repo) => await r.GetAsync(RegistryClient.BlobPath(repo, (await r.PushBlobAsync(repo)).Digest), ("Range", "bytes=9-2")));
        yield return Mistake("blob GET with several ranges", async (r, repo) => await r.GetAsync(RegistryClient.BlobPath(repo, (await r.PushBlobAsync(repo)).Digest), ("Range", "bytes=0-1,4-5")));
        yield return Mistake("tag list with an overflowing n", (r, repo) => r.GetAsync($"{RegistryClient.TagsPath(repo)}?n=99999999999999999999"));
        yield return Mistake("tag list with an empty n", (r, repo) => r.GetAsync($"{RegistryClient.TagsPath(repo)}?n="));
        yield return Mistake("tag list with a long last", (r, repo) => r.GetAsync($"{RegistryClient.TagsPath(repo)}?last={new string('z', 300)}"));
        yield return Mistake("catalog with a NUL last", (r, _) => r.GetAsync("/v2/_catalog?last=%00"));
        yield return Mistake("catalog with n=0", (r, _) => r.GetAsync("/v2/_catalog?n=0"));
        yield return Mistake("referrers of a malformed digest", (r, repo) => r.GetAsync(RegistryClient.ReferrersPath(repo, "sha256:zz")));
        yield return Mistake("referrers with an odd artifactType", (r, repo) => r.GetAsync($"{RegistryClient.ReferrersPath(repo, SomeDigest)}?artifactType=%00%FF"));
        yield return Mistake("upload id with an encoded dot-dot", (r, repo) => r.GetAsync($"{RegistryClient.UploadsPath(repo)}%2E%2E%2F%2E%2E"));
    }

    /// <summary>Asserts every endpoint of the repository <paramref name="name"/> answers 400 NAME_INVALID.</summary>
    private async Task AssertNameInvalidEverywhereAsync(string name)
    {
        var requests = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, $"/v2/{name}/tags/list"),
            (HttpMethod.Get, $"/v2/{name}/manifests/latest"),
            (HttpMethod.Put, $"/v2/{name}/manifests/latest"),
            (HttpMethod.Delete, $"/v2/{name}/manifests/{SomeDigest}"),
            (HttpMethod.Get, $"/v2/{name}/blobs/{SomeDigest}"),
            (HttpMethod.Delete, $"/v2/{name}/blobs/{SomeDigest}"),
            (HttpMethod.Post, $"/v2/{name}/blobs/uploads/"),
            (HttpMethod.Get, $"/v2/{name}/blobs/uploads/3f9e6d1c-2b7a-4c5e-9d8f-0a1b2c3d4e5f"),
            (HttpMethod.Get, $"/v2/{name}/referrers/{SomeDigest}"),
        };
        foreach (var (method, path) in requests)
        {
            using var response = await Registry.SendAsync(method, path, method == HttpMethod.Put ? RegistryClient.Bytes("{}"u8.ToArray(), MediaType.OciManifest) : null);
            await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
        }
    }

    /// <summary>Sends <paramref name="method"/> to an endpoint of a fresh repository holding an image (and an upload).</summary>
    private async Task<HttpResponseMessage> SendWrongMethodAsync(string method, string endpoint)
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "latest");
        if (endpoint.Contains("{upload}", StringComparison.Ordinal))
        {
            var upload = await Registry.StartUploadAsync(repository);
            return await Registry.SendAsync(new HttpMethod(method), upload, RegistryClient.Bytes([1]));
        }

        var path = $"/v2/{repository}/{endpoint.Replace("{digest}", manifest.Digest, StringComparison.Ordinal)}";
        return await Registry.SendAsync(new HttpMethod(method), path, RegistryClient.Bytes([1]));
    }

    private static TestCaseData Mistake(string name, Func<RegistryClient, string, Task<HttpResponseMessage>> send) =>
        new TestCaseData(send).SetArgDisplayNames(name);

    private static Task<HttpResponseMessage> PutManifestText(RegistryClient registry, string repository, string json) =>
        registry.PutManifestAsync(repository, "bad", Encoding.UTF8.GetBytes(json), MediaType.OciManifest);

    private static string Image(string config, string layers) =>
        $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaType.OciManifest}\",\"config\":{config},\"layers\":{layers}}}";

    private static string Descriptor(long size) => $"{{\"mediaType\":\"{MediaType.OciLayer}\",\"digest\":\"{SomeDigest}\",\"size\":{size}}}";
}
