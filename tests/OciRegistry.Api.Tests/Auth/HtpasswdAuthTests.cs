using System.Net.Http.Headers;
using System.Text;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>Basic authentication against a bcrypt htpasswd file (<c>OciRegistry:Auth:Htpasswd</c>).</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HtpasswdAuthTests : AuthenticatedRegistryTest
{
    private const string Realm = "test realm";
    private DirectoryInfo folder = null!;
    private string htpasswd = null!;

    protected override async Task PrepareAsync()
    {
        folder = Directory.CreateTempSubdirectory("oci-htpasswd-");
        htpasswd = Path.Combine(folder.FullName, "htpasswd");
        await WriteUsersAsync(htpasswd, ("alice", "alice-secret"), ("bob", "bob:colon secret"));
    }

    protected override void ConfigureRegistry(OciRegistryOptions options)
    {
        options.Auth.Htpasswd.Path = htpasswd;
        options.Auth.Htpasswd.Realm = Realm;
    }

    protected override Task CleanUpAsync()
    {
        folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Writes an htpasswd file as <c>htpasswd -B</c> does (cost 4 keeps the tests fast).</summary>
    public static Task WriteUsersAsync(string path, params (string User, string Password)[] users) =>
        File.WriteAllLinesAsync(path, users.Select(u => $"{u.User}:{BCrypt.Net.BCrypt.HashPassword(u.Password, 4)}"));

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Test]
    public async Task Version_check_without_credentials_is_401_with_a_Basic_challenge()
    {
        using var response = await Client.GetAsync("/v2/");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo($"Basic realm=\"{Realm}\", charset=\"UTF-8\""));
    }

    [Test]
    public async Task Version_check_with_a_valid_user_is_200()
    {
        Client.Authorization = Basic("alice", "alice-secret");

        using var response = await Client.GetAsync("/v2/");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task A_password_with_a_colon_is_accepted()
    {
        Client.Authorization = Basic("bob", "bob:colon secret");

        using var response = await Client.GetAsync("/v2/");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task A_user_pushes_pulls_lists_and_deletes()
    {
        Client.Authorization = Basic("alice", "alice-secret");
        var repository = $"auth/{Guid.NewGuid():N}";

        var manifest = await Client.PushImageAsync(repository, "v1");

        await Client.AssertManifestAsync(repository, "v1", manifest);
        Assert.That(await Client.GetTagsAsync(repository), Is.EqualTo(new[] { "v1" }));
        using var catalog = await Client.GetAsync("/v2/_catalog");
        Assert.That(await RegistryClient.ReadListAsync(catalog, "repositories"), Does.Contain(repository));
        using var delete = await Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, manifest.Digest));
        await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
    }

    [TestCase(null, null, TestName = "No credentials")]
    [TestCase("alice", "wrong", TestName = "Wrong password")]
    [TestCase("mallory", "alice-secret", TestName = "Unknown user")]
    [TestCase("alice", "", TestName = "Empty password")]
    public async Task Refused_credentials_get_401_on_every_endpoint_and_write_nothing(string? user, string? password)
    {
        // Something to read and to try to delete, pushed as a valid user.
        Client.Authorization = Basic("alice", "alice-secret");
        var repository = $"auth/{Guid.NewGuid():N}";
        var manifest = await Client.PushImageAsync(repository, "v1");
        Client.Authorization = user is null ? null : Basic(user, password!);

        foreach (var (method, path, body) in DenialRequests.All(repository, manifest))
        {
            using var response = await Registry.UnchangedAsync($"{method} {path}", () => Client.SendAsync(method, path, body?.Invoke()));
            if (method == HttpMethod.Head)
            {
                await ResponseAssert.StatusAsync(response, HttpStatusCode.Unauthorized);
            }
            else
            {
                await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            }

            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic realm="), $"{method} {path}");
        }
    }

    [TestCase("Basic !!!not-base64")]
    [TestCase("Basic ")]
    [TestCase("Basic bm9jb2xvbg==")]
    [TestCase("Bearer abc.def.ghi")]
    [TestCase("Digest username=\"alice\"")]
    public async Task Malformed_Authorization_headers_get_401(string header)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "/v2/", null, ("Authorization", header));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Test]
    public async Task The_file_is_read_again_when_it_changes()
    {
        var other = Path.Combine(folder.FullName, "htpasswd.new");
        await WriteUsersAsync(other, ("alice", "alice-secret"), ("bob", "bob:colon secret"), ("carol", "carol-secret"));
        File.Move(other, htpasswd, overwrite: true);

        Client.Authorization = Basic("carol", "carol-secret");
        using (var added = await Client.GetAsync("/v2/"))
        {
            await ResponseAssert.StatusAsync(added, HttpStatusCode.OK);
        }

        await WriteUsersAsync(other, ("alice", "alice-secret"), ("bob", "bob:colon secret"));
        File.Move(other, htpasswd, overwrite: true);
        using var removed = await Client.GetAsync("/v2/");
        await ResponseAssert.ErrorAsync(removed, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
