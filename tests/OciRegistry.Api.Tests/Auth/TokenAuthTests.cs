using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>
/// Docker token authentication against a token service inside the test: the challenge, the token flow a client
/// follows, and the denial matrix (each refusal with its status and code, the storage unchanged).
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
[Parallelizable(ParallelScope.None)]
public sealed partial class TokenAuthTests(bool jwks) : AuthenticatedRegistryTest
{
    private TestTokenIssuer issuer = null!;

    protected override async Task PrepareAsync()
    {
        issuer = await TestTokenIssuer.StartAsync();
        issuer.AddUser("alice", "alice-secret");
        issuer.AddUser("reader", "reader-secret");

        // alice may do everything under team/; reader may only pull there; nobody else gets anything.
        issuer.Policy = (user, type, name, action) => type switch
        {
            "repository" => name.StartsWith("team/", StringComparison.Ordinal) &&
                            (user == "alice" || (user == "reader" && action == "pull")),
            "registry" => user == "alice" && name == "catalog",
            _ => false,
        };
    }

    protected override void ConfigureRegistry(OciRegistryOptions options)
    {
        options.Auth.Token.Realm = issuer.Realm.ToString();
        options.Auth.Token.Service = TestTokenIssuer.Service;
        options.Auth.Token.Issuer = TestTokenIssuer.Issuer;
        options.Auth.Token.SigningKeys = jwks ? issuer.JwksPath : issuer.CertificatePath;
    }

    protected override async Task CleanUpAsync() => await issuer.DisposeAsync();

    [Test]
    public async Task Version_check_without_a_token_is_401_with_realm_and_service()
    {
        using var response = await Client.GetAsync("/v2/");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo($"Bearer realm=\"{issuer.Realm}\",service=\"{TestTokenIssuer.Service}\""));
    }

    [Test]
    public async Task A_push_without_a_token_is_challenged_with_the_pull_push_scope()
    {
        var repository = $"team/{Guid.NewGuid():N}";

        using var response = await Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.That(response.Headers.WwwAuthenticate.ToString(),
            Is.EqualTo($"Bearer realm=\"{issuer.Realm}\",service=\"{TestTokenIssuer.Service}\",scope=\"repository:{repository}:pull,push\""));
    }

    [Test]
    public async Task The_token_flow_pushes_and_pulls_an_image()
    {
        var repository = $"team/{Guid.NewGuid():N}";

        // As a client does: the request, its challenge, a token for the challenge's scope, the request again.
        using (var challenge = await Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository)))
        {
            Client.Authorization = await TokenForAsync(challenge, "alice", "alice-secret");
        }

        var manifest = await Client.PushImageAsync(repository, "v1");

        Client.Authorization = null;
        using (var challenge = await Client.GetAsync(RegistryClient.ManifestPath(repository, "v1")))
        {
            Assert.That(Scope(challenge), Is.EqualTo($"repository:{repository}:pull"));
            Client.Authorization = await TokenForAsync(challenge, "reader", "reader-secret");
        }

        await Client.AssertManifestAsync(repository, "v1", manifest);
    }

    [Test]
    public async Task Catalog_needs_registry_catalog()
    {
        using (var challenge = await Client.GetAsync("/v2/_catalog"))
        {
            Assert.That(Scope(challenge), Is.EqualTo("registry:catalog:*"));
        }

        Client.Authorization = Bearer(issuer.Issue("reader", [("repository", "team/x", ["pull"])]));
        using (var denied = await Client.GetAsync("/v2/_catalog"))
        {
            await ResponseAssert.ErrorAsync(denied, HttpStatusCode.Forbidden, "DENIED");
        }

        Client.Authorization = Bearer(issuer.Issue("alice", [("registry", "catalog", ["*"])]));
        using var allowed = await Client.GetAsync("/v2/_catalog");
        await ResponseAssert.StatusAsync(allowed, HttpStatusCode.OK);
    }

    /// <summary>The issue's denial matrix: what is tried, with which token, and the answer expected.</summary>
    public static IEnumerable<TestCaseData> Denials()
    {
        yield return Case("no token: pull", Token.None, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("no token: push", Token.None, Attempt.PushBlob, HttpStatusCode.Unauthorized);
        yield return Case("expired token: pull", Token.Expired, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("not yet valid token: pull", Token.NotYetValid, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("tampered signature: pull", Token.TamperedSignature, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("tampered payload: push", Token.TamperedPayload, Attempt.PushBlob, HttpStatusCode.Unauthorized);
        yield return Case("signed by another key: pull", Token.OtherKey, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("unsigned (alg none): pull", Token.AlgNone, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("for another service: pull", Token.OtherAudience, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("from another issuer: pull", Token.OtherIssuer, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("not a JWT: pull", Token.Garbage, Attempt.Pull, HttpStatusCode.Unauthorized);
        yield return Case("token for another repository: pull", Token.OtherRepository, Attempt.Pull, HttpStatusCode.Forbidden);
        yield return Case("token for another repository: push", Token.OtherRepository, Attempt.PushBlob, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: start an upload", Token.PullOnly, Attempt.PushBlob, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: monolithic upload", Token.PullOnly, Attempt.PushMonolithic, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: push a manifest", Token.PullOnly, Attempt.PushManifest, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: delete a manifest", Token.PullOnly, Attempt.DeleteManifest, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: delete a tag", Token.PullOnly, Attempt.DeleteTag, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: delete a blob", Token.PullOnly, Attempt.DeleteBlob, HttpStatusCode.Forbidden);
        yield return Case("push token: delete a manifest", Token.PushOnly, Attempt.DeleteManifest, HttpStatusCode.Forbidden);
        yield return Case("push token: mount from an unreadable repository", Token.PushOnly, Attempt.MountFromOther, HttpStatusCode.Forbidden);
        yield return Case("pull-only token: catalog", Token.PullOnly, Attempt.Catalog, HttpStatusCode.Forbidden);

        static TestCaseData Case(string name, Token token, Attempt request, HttpStatusCode status) =>
            new TestCaseData(token, request, status).SetName(name);
    }

    public enum Token
    {
        None,
        Expired,
        NotYetValid,
        TamperedSignature,
        TamperedPayload,
        OtherKey,
        AlgNone,
        OtherAudience,
        OtherIssuer,
        Garbage,
        OtherRepository,
        PullOnly,
        PushOnly,
    }

    public enum Attempt
    {
        Pull,
        PushBlob,
        PushMonolithic,
        PushManifest,
        DeleteManifest,
        DeleteTag,
        DeleteBlob,
        MountFromOther,
        Catalog,
    }

    [TestCaseSource(nameof(Denials))]
    public async Task Denial_matrix(Token token, Attempt request, HttpStatusCode expected)
    {
        var repository = $"team/{Guid.NewGuid():N}";
        var source = $"team/{Guid.NewGuid():N}";
        Client.Authorization = Bearer(issuer.Issue("alice", [("repository", repository, ["pull", "push", "delete"]), ("repository", source, ["pull", "push"])]));
        var existing = await Client.PushImageAsync(repository, "v1");
        var existingBlob = await Client.PushBlobAsync(repository);
        var sourceBlob = await Client.PushBlobAsync(source);

        Client.Authorization = token == Token.None ? null : Bearer(Make(token, repository));
        var blob = TestBlob.Random();
        var manifest = Manifests.Image(TestBlob.Config(), blob);
        using var response = await Registry.UnchangedAsync($"{token} {request}", () => request switch
        {
            Attempt.Pull => Client.GetAsync(RegistryClient.ManifestPath(repository, "v1")),
            Attempt.PushBlob => Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository)),
            Attempt.PushMonolithic => Client.PostBlobAsync(repository, blob.Content, blob.Digest),
            Attempt.PushManifest => Client.PutManifestAsync(repository, "v2", manifest),
            Attempt.DeleteManifest => Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, existing.Digest)),
            Attempt.DeleteTag => Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, "v1")),
            Attempt.DeleteBlob => Client.SendAsync(HttpMethod.Delete, RegistryClient.BlobPath(repository, existingBlob.Digest)),
            Attempt.MountFromOther => Client.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(repository)}?mount={sourceBlob.Digest}&from={source}"),
            Attempt.Catalog => Client.GetAsync("/v2/_catalog"),
            _ => throw new ArgumentOutOfRangeException(nameof(request)),
        });

        if (expected == HttpStatusCode.Unauthorized)
        {
            await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            var challenge = response.Headers.WwwAuthenticate.ToString();
            Assert.That(challenge, Does.StartWith($"Bearer realm=\"{issuer.Realm}\",service=\"{TestTokenIssuer.Service}\",scope="));
            Assert.That(challenge, token == Token.None ? Does.Not.Contain("error=") : Does.EndWith(",error=\"invalid_token\""));
        }
        else
        {
            await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "DENIED");
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.EndWith(",error=\"insufficient_scope\""));
        }
    }

    [Test]
    public async Task A_push_token_with_pull_on_the_source_mounts()
    {
        var source = $"team/{Guid.NewGuid():N}";
        var target = $"team/{Guid.NewGuid():N}";
        Client.Authorization = Bearer(issuer.Issue("alice", [("repository", source, ["push"])]));
        var blob = await Client.PushBlobAsync(source);

        Client.Authorization = Bearer(issuer.Issue("alice", [("repository", target, ["push"]), ("repository", source, ["pull"])]));
        using var response = await Client.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(target)}?mount={blob.Digest}&from={source}");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Created);
    }

    [Test]
    public async Task A_mount_without_from_is_a_plain_upload_when_auth_is_on()
    {
        var source = $"team/{Guid.NewGuid():N}";
        var target = $"team/{Guid.NewGuid():N}";
        Client.Authorization = Bearer(issuer.Issue("alice", [("repository", source, ["push"])]));
        var blob = await Client.PushBlobAsync(source);

        Client.Authorization = Bearer(issuer.Issue("alice", [("repository", target, ["push"])]));
        using var response = await Client.SendAsync(HttpMethod.Post, $"{RegistryClient.UploadsPath(target)}?mount={blob.Digest}");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.Accepted);
        Client.Authorization = Bearer(issuer.Issue("alice", [("repository", target, ["pull"])]));
        using var head = await Client.SendAsync(HttpMethod.Head, RegistryClient.BlobPath(target, blob.Digest));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the blob must not be linked into the target");
    }

    [Test]
    public async Task The_issuer_refusing_a_wrong_password_leaves_the_client_unauthorized()
    {
        var repository = $"team/{Guid.NewGuid():N}";
        using var challenge = await Client.SendAsync(HttpMethod.Post, RegistryClient.UploadsPath(repository));

        using var request = new HttpRequestMessage(HttpMethod.Get, TokenUrl(challenge));
        request.Headers.Authorization = HtpasswdAuthTests.Basic("alice", "wrong");
        using var tokenClient = new HttpClient();
        using var tokenResponse = await tokenClient.SendAsync(request);

        Assert.That(tokenResponse.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private string Make(Token token, string repository)
    {
        var all = new[] { ("repository", repository, new[] { "pull", "push", "delete" }) };
        using var otherKey = RSA.Create(2048);
        return token switch
        {
            Token.Expired => issuer.Issue("alice", all, lifetime: TimeSpan.FromMinutes(-10)),
            Token.NotYetValid => issuer.Issue("alice", all, lifetime: TimeSpan.FromMinutes(30), notBefore: DateTime.UtcNow.AddMinutes(20)),
            Token.TamperedSignature => Tamper(issuer.Issue("alice", all), signature: true),
            Token.TamperedPayload => Tamper(issuer.Issue("reader", [("repository", repository, ["pull"])]), signature: false),
            Token.OtherKey => issuer.Issue("alice", all, signingKey: otherKey),
            Token.AlgNone => WithoutSignature(issuer.Issue("alice", all)),
            Token.OtherAudience => issuer.Issue("alice", all, audience: "another-registry"),
            Token.OtherIssuer => issuer.Issue("alice", all, issuer: "another-issuer"),
            Token.Garbage => "not-a-token",
            Token.OtherRepository => issuer.Issue("alice", [("repository", repository + "-other", ["pull", "push", "delete"])]),
            Token.PullOnly => issuer.Issue("reader", [("repository", repository, ["pull"])]),
            Token.PushOnly => issuer.Issue("alice", [("repository", repository, ["pull", "push"])]),
            _ => throw new ArgumentOutOfRangeException(nameof(token)),
        };
    }

    /// <summary>Flips a signature byte, or rewrites the payload to grant everything (keeping the old signature).</summary>
    private static string Tamper(string jwt, bool signature)
    {
        var parts = jwt.Split('.');
        if (signature)
        {
            var bytes = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[2]);
            bytes[^1] ^= 0x01;
            parts[2] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(bytes);
        }
        else
        {
            var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]);
            parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(PullOnlyActions().Replace(payload, "\"actions\":[\"pull\",\"push\",\"delete\"]"));
        }

        return string.Join('.', parts);
    }

    private static string WithoutSignature(string jwt)
    {
        var parts = jwt.Split('.');
        return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    }

    [GeneratedRegex("\"actions\":\\[\"pull\"\\]")]
    private static partial Regex PullOnlyActions();

    private static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    private static string? Scope(HttpResponseMessage challenge) =>
        ChallengeParameter().Matches(challenge.Headers.WwwAuthenticate.ToString())
            .FirstOrDefault(m => m.Groups[1].Value == "scope")?.Groups[2].Value;

    private static Uri TokenUrl(HttpResponseMessage challenge)
    {
        var parameters = ChallengeParameter().Matches(challenge.Headers.WwwAuthenticate.ToString())
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return new Uri($"{parameters["realm"]}?service={Uri.EscapeDataString(parameters["service"])}&scope={Uri.EscapeDataString(parameters["scope"])}");
    }

    private async Task<AuthenticationHeaderValue> TokenForAsync(HttpResponseMessage challenge, string user, string password)
    {
        await ResponseAssert.ErrorAsync(challenge, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var request = new HttpRequestMessage(HttpMethod.Get, TokenUrl(challenge));
        request.Headers.Authorization = HtpasswdAuthTests.Basic(user, password);
        using var tokenClient = new HttpClient();
        using var response = await tokenClient.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the token service");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return Bearer(json.RootElement.GetProperty("token").GetString()!);
    }

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex ChallengeParameter();
}
