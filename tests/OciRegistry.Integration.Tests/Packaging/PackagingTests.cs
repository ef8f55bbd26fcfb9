using System.Text.Json;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.Packaging;

/// <summary>
/// The product is a set of NuGet packages another application references. These tests pack the five projects
/// under <c>src/</c> (once for the fixture, with a version no cache has seen), check what each package says and
/// depends on, and prove that a fresh <c>dotnet new web</c> app, given only those packages and the README's three
/// lines, serves a registry skopeo pushes to and pulls from. Slow (packing and building take minutes on a loaded
/// machine), so also in the RealClient category that <c>eng/test.sh --fast</c> leaves out.
/// </summary>
[Category("Packaging")]
internal sealed class PackagingTests : RealClientTest
{
    private TemporaryDirectory feedWork = null!;
    private PackageFeed feed = null!;
    private string version = null!;

    [OneTimeSetUp]
    public async Task PackEverything()
    {
        feedWork = new TemporaryDirectory();
        feed = await PackageFeed.PackAsync(feedWork.Path, CancellationToken.None);
        version = PackageManifest.Read(feed.PackagePath("OciRegistry.Abstractions")).Version!;
    }

    [OneTimeTearDown]
    public void DeleteFeed() => feedWork?.Dispose();

    [Test]
    public void Every_package_has_one_version_ending_in_the_suffix_given_at_pack_time()
    {
        var versions = PackageFeed.PackageIds.Select(id => PackageManifest.Read(feed.PackagePath(id)).Version).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(versions, Is.All.EqualTo(version), "one version for all packages");
            Assert.That(version, Does.Match(@"^\d+\.\d+\.\d+-" + feed.VersionSuffix + "$"), "VersionPrefix-VersionSuffix");
        });
    }

    [TestCaseSource(typeof(PackageFeed), nameof(PackageFeed.PackageIds))]
    public void Package_carries_metadata_readme_documentation_and_symbols(string id)
    {
        var package = PackageManifest.Read(feed.PackagePath(id));
        var symbols = PackageManifest.Read(feed.SymbolPackagePath(id));
        var readme = PackageManifest.ReadFile(feed.PackagePath(id), "README.md");

        Assert.Multiple(() =>
        {
            Assert.That(package.Id, Is.EqualTo(id));
            Assert.That(package.Description, Is.Not.Null.And.Length.GreaterThan(40), "description");
            Assert.That(package.Tags, Does.Contain("oci").And.Contain("registry"), "tags");
            Assert.That(package.Authors, Is.Not.Empty, "authors");
            Assert.That(package.LicenseExpression, Is.EqualTo("MIT"), "licence expression");
            Assert.That(Uri.TryCreate(package.ProjectUrl, UriKind.Absolute, out _), Is.True, $"project URL {package.ProjectUrl}");
            Assert.That(package.Readme, Is.EqualTo("README.md"), "readme element");
            Assert.That(readme, Does.StartWith($"# {id}"), "the package's own README.md");
            Assert.That(package.Files, Does.Contain($"lib/net10.0/{id}.dll").And.Contain($"lib/net10.0/{id}.xml"), "assembly and XML documentation");
            Assert.That(symbols.Files, Does.Contain($"lib/net10.0/{id}.pdb"), "symbol package");
        });
    }

    [Test]
    public void Abstractions_depends_only_on_abstraction_packages()
    {
        var package = PackageManifest.Read(feed.PackagePath("OciRegistry.Abstractions"));

        Assert.Multiple(() =>
        {
            Assert.That(package.Dependencies.Select(dependency => dependency.Id), Is.All.Match(@"^Microsoft\.Extensions\..*Abstractions$"));
            Assert.That(package.FrameworkReferences, Is.Empty, "no shared framework (ASP.NET Core) needed");
        });
    }

    [TestCase("OciRegistry.Storage.FileSystem", null)]
    [TestCase("OciRegistry.Storage.S3", "AWSSDK.")]
    [TestCase("OciRegistry.Storage.Azure", "Azure.")]
    public void Driver_package_pulls_its_own_sdk_and_not_aspnetcore_or_another_sdk(string id, string? sdkPrefix)
    {
        var package = PackageManifest.Read(feed.PackagePath(id));
        var others = package.Dependencies
            .Select(dependency => dependency.Id)
            .Where(dependency => dependency != "OciRegistry.Abstractions")
            .Where(dependency => !dependency.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            .Where(dependency => sdkPrefix is null || !dependency.StartsWith(sdkPrefix, StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(package.Dependencies.Select(dependency => dependency.Id), Does.Contain("OciRegistry.Abstractions"));
            Assert.That(others, Is.Empty, "dependencies besides Abstractions, Microsoft.Extensions.* and the driver's SDK");
            Assert.That(package.FrameworkReferences, Is.Empty, "no shared framework (ASP.NET Core) needed");
        });
    }

    [Test]
    public void Server_needs_aspnetcore_and_no_cloud_sdk()
    {
        var package = PackageManifest.Read(feed.PackagePath("OciRegistry.Server"));

        Assert.Multiple(() =>
        {
            Assert.That(package.FrameworkReferences, Is.EqualTo(new[] { "Microsoft.AspNetCore.App" }));
            Assert.That(package.Dependencies.Select(dependency => dependency.Id), Does.Contain("OciRegistry.Abstractions"));
            Assert.That(package.Dependencies.Select(dependency => dependency.Id), Has.None.StartsWith("AWSSDK.").And.None.StartsWith("Azure."));
        });
    }

    [TestCaseSource(typeof(PackageFeed), nameof(PackageFeed.PackageIds))]
    public void Package_depends_on_the_other_packages_at_its_own_version(string id)
    {
        var package = PackageManifest.Read(feed.PackagePath(id));
        var ours = package.Dependencies.Where(dependency => dependency.Id.StartsWith("OciRegistry.", StringComparison.Ordinal));

        Assert.That(ours.Select(dependency => dependency.Version), Is.All.EqualTo(version));
    }

    [Test]
    [CancelAfter(900_000)]
    public async Task Fresh_web_app_with_the_packages_and_three_lines_serves_a_registry_skopeo_pushes_to_and_pulls_from()
    {
        // All four packages an application may take, so the drivers' dependency graphs restore too; the three lines use one.
        var app = await ConsumerApp.CreateAndBuildAsync(
            Work.Combine("consumer"), feed, version,
            ["OciRegistry.Server", "OciRegistry.Storage.FileSystem", "OciRegistry.Storage.S3", "OciRegistry.Storage.Azure"],
            Cancellation);
        await using var registry = await app.StartAsync(Work.Combine("storage", create: true), Cancellation);
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var sourceDigest = await Skopeo.ManifestDigestAsync(layout.Reference("v1"), Cancellation);

        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("v1"), registry.ImageReference("consumer/app:v1"), Cancellation);
        var pulledDigest = await Skopeo.CopyAsync(registry.ImageReference("consumer/app:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);
        var tags = await Skopeo.ListTagsAsync(registry.ImageReference("consumer/app"), Cancellation);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };
        var ownEndpoint = await http.GetStringAsync(new Uri("/", UriKind.Relative), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(app.ProgramText, Does.Contain(ConsumerApp.ServiceLines).And.Contain(ConsumerApp.MapLine), "the app's Program.cs");
            Assert.That(RestoredFrom(app, "OciRegistry.Server"), Is.EqualTo(feed.Directory), "where OciRegistry.Server was restored from");
            Assert.That(pushedDigest, Is.EqualTo(sourceDigest), "digest skopeo pushed");
            Assert.That(pulledDigest, Is.EqualTo(sourceDigest), "digest skopeo pulled back");
            Assert.That(tags, Is.EqualTo(new[] { "v1" }), "tags listed");
            Assert.That(ownEndpoint, Is.EqualTo("Hello World!"), "the app's own endpoint from the template");
        });
    }

    // NuGet writes where each package came from next to it in the packages folder (.nupkg.metadata, "source").
    private string? RestoredFrom(ConsumerApp app, string id)
    {
        var metadataFile = Path.Combine(app.PackagesDirectory, id.ToLowerInvariant(), version.ToLowerInvariant(), ".nupkg.metadata");
        if (!File.Exists(metadataFile))
        {
            return null;
        }

        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataFile));
        return metadata.RootElement.GetProperty("source").GetString()?.TrimEnd('/');
    }
}
