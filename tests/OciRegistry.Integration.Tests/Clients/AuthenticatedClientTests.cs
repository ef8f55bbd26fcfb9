using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// Real clients against the sample host with htpasswd authentication (<c>OciRegistry:Auth:Htpasswd:Path</c>):
/// <c>docker login</c> then push and pull with the docker CLI, and <c>skopeo --creds</c>; without credentials, or
/// with a wrong password, both are refused and nothing is stored.
/// </summary>
internal sealed class AuthenticatedClientTests : RealClientTest
{
    private const string User = "alice";
    private const string Password = "alice-secret";

    private RegistryProcess host = null!;
    private string root = null!;

    [SetUp]
    public async Task StartHostWithHtpasswd()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(OciRegistryHost.TargetVariable), "go-registry", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Ignore("The Go registry target runs without our host's settings: these tests configure our htpasswd keys.");
        }

        var htpasswd = Work.Combine("htpasswd");
        await File.WriteAllTextAsync(htpasswd, $"{User}:{BCrypt.Net.BCrypt.HashPassword(Password, 10)}\n", Cancellation);
        root = Work.Combine("root", create: true);
        host = await StartHostAsync(
            HostStorage.FileSystem(root).WithHostSettings(("OciRegistry:Auth:Htpasswd:Path", htpasswd), ("OciRegistry:Auth:Htpasswd:Realm", "test registry")));
    }

    [Test]
    public async Task Docker_login_then_push_and_pull_work_and_without_login_push_is_refused()
    {
        var docker = new DockerCli(Work.Combine("docker-config"));
        await docker.RequireEngineAsync(Cancellation);
        try
        {
            var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
            var sourceConfig = ManifestJson.ConfigDigest(await Skopeo.RawManifestAsync(layout.Reference("v1"), Cancellation));
            var localName = $"ociregistry-auth-test/app:{host.Port}";
            var archive = Work.Combine("image.tar");
            await Skopeo.SaveDockerArchiveAsync(layout.Reference("v1"), archive, localName, Cancellation);
            await docker.LoadAsync(archive, Cancellation);
            var image = host.ImageName("secure/app:v1");
            await docker.TagAsync(localName, image, Cancellation);

            var anonymousPush = await docker.TryPushAsync(image, Cancellation);
            var storedWithoutLogin = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(IsRegistryData).ToList();
            var wrongLogin = await docker.TryLoginAsync(host.Authority, User, "wrong", Cancellation);
            var login = await docker.TryLoginAsync(host.Authority, User, Password, Cancellation);
            var pushed = await docker.PushAsync(image, Cancellation);
            await docker.RemoveImagesAsync(Cancellation, image, localName);
            var pulled = await docker.PullAsync(image, Cancellation);
            var pulledId = await docker.ImageIdAsync(image, Cancellation);
            await docker.LogoutAsync(host.Authority, Cancellation);
            await docker.RemoveImagesAsync(Cancellation, image);
            var anonymousPull = await ExternalProgram.RunAsync("docker", ["pull", image], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = Work.Combine("docker-config") }, Cancellation);

            Assert.Multiple(() =>
            {
                Assert.That(anonymousPush.Succeeded, Is.False, "push without login");
                Assert.That(anonymousPush.ToString(), Does.Contain("no basic auth credentials").Or.Contain("unauthorized").IgnoreCase);
                Assert.That(storedWithoutLogin, Is.Empty, "nothing stored by the refused push");
                Assert.That(wrongLogin.Succeeded, Is.False, "docker login with a wrong password");
                Assert.That(login.Succeeded, Is.True, $"docker login: {login}");
                Assert.That(pulled, Is.EqualTo(pushed), "digest pulled after login");
                Assert.That(pulledId, Is.EqualTo(sourceConfig), "image id pulled");
                Assert.That(anonymousPull.Succeeded, Is.False, "pull after logout");
            });
        }
        finally
        {
            await docker.RemoveImagesOfRegistryAsync(host.Authority, CancellationToken.None);
        }
    }

    [Test]
    public async Task Skopeo_with_creds_copies_both_ways_and_without_creds_is_refused()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var destination = host.ImageReference("secure/skopeo:v1");

        var refused = await Skopeo.TryCopyAsync(layout.Reference("v1"), destination, Cancellation);
        var storedWithoutCreds = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(IsRegistryData).ToList();
        var wrong = await ExternalProgram.RunAsync("skopeo", ["--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", $"{User}:wrong", layout.Reference("v1"), destination], Cancellation);
        var pushed = await Skopeo.CopyAsync(layout.Reference("v1"), destination, Cancellation, "--dest-creds", $"{User}:{Password}");
        var inspected = await ExternalProgram.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", $"{User}:{Password}", destination], Cancellation);
        var pulled = await Skopeo.CopyAsync(destination, $"oci:{Work.Combine("pulled")}:v1", Cancellation, "--src-creds", $"{User}:{Password}");
        var anonymousInspect = await ExternalProgram.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", destination], Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Succeeded, Is.False, "copy without credentials");
            Assert.That(refused.ToString(), Does.Contain("unauthorized").IgnoreCase.Or.Contain("authentication required").IgnoreCase);
            Assert.That(storedWithoutCreds, Is.Empty, "nothing stored by the refused copy");
            Assert.That(wrong.Succeeded, Is.False, "copy with a wrong password");
            Assert.That(inspected.Succeeded, Is.True, inspected.ToString());
            Assert.That(ContentDigest.Of(inspected.StandardOutput), Is.EqualTo(pushed), "manifest read back with --creds");
            Assert.That(pulled, Is.EqualTo(pushed), "digest copied back");
            Assert.That(anonymousInspect.Succeeded, Is.False, "inspect without credentials");
        });
    }

    /// <summary>Registry content, not the secret the host keeps for upload URLs.</summary>
    private static bool IsRegistryData(string path) => !path.Contains("_ociregistry", StringComparison.Ordinal);
}
