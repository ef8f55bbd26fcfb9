using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Auth;

/// <summary><c>OciRegistry:Auth:AnonymousPull</c>: pulls open to anyone, pushes, deletes and the catalog still authenticated.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class AnonymousPullTests : AuthenticatedRegistryTest
{
    private DirectoryInfo folder = null!;
    private string htpasswd = null!;

    protected override async Task PrepareAsync()
    {
        folder = Directory.CreateTempSubdirectory("oci-anonymous-");
        htpasswd = Path.Combine(folder.FullName, "htpasswd");
        await HtpasswdAuthTests.WriteUsersAsync(htpasswd, ("alice", "alice-secret"));
    }

    protected override void ConfigureRegistry(OciRegistryOptions options)
    {
        options.Auth.Htpasswd.Path = htpasswd;
        options.Auth.AnonymousPull = true;
    }

    protected override Task CleanUpAsync()
    {
        folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Test]
    public async Task Anyone_pulls_only_users_push_delete_and_list()
    {
        var repository = $"open/{Guid.NewGuid():N}";
        Client.Authorization = HtpasswdAuthTests.Basic("alice", "alice-secret");
        var manifest = await Client.PushImageAsync(repository, "v1");
        Client.Authorization = null;

        await Client.AssertManifestAsync(repository, "v1", manifest);
        Assert.That(await Client.GetTagsAsync(repository), Is.EqualTo(new[] { "v1" }));

        // The version check still challenges, so `docker login` checks the password.
        using (var version = await Client.GetAsync("/v2/"))
        {
            await ResponseAssert.ErrorAsync(version, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        foreach (var (method, path, body) in DenialRequests.All(repository, manifest)
                     .Where(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head || r.Path == "/v2/_catalog"))
        {
            using var response = await Registry.UnchangedAsync($"{method} {path}", () => Client.SendAsync(method, path, body?.Invoke()));
            await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }
}
