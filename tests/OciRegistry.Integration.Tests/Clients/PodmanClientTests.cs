using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>podman (daemonless, private storage per test) against our host.</summary>
internal sealed class PodmanClientTests : RealClientTest
{
    private Podman podman = null!;

    [SetUp]
    public void RequirePodman()
    {
        podman = new Podman(Work.Combine("podman"));
        podman.RequireInstalled();
    }

    [TestCase("v2s2", TestImages.DockerManifestMediaType, TestName = "Docker_format_image_pushed_and_pulled_back_by_digest_and_tag_is_identical")]
    [TestCase("oci", TestImages.OciManifestMediaType, TestName = "Oci_format_image_pushed_and_pulled_back_by_digest_and_tag_is_identical")]
    public async Task Image_pushed_and_pulled_back(string format, string manifestMediaType)
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var sourceFile = await layout.ReadFileAsync("v1", TestImages.ContentFile, Cancellation);
        var host = await StartHostAsync();
        var image = host.ImageName("podman/app:v1");
        var archive = Work.Combine("image.tar");
        await Skopeo.SaveDockerArchiveAsync(layout.Reference("v1"), archive, image, Cancellation);
        await podman.LoadAsync(archive, Cancellation);

        var pushedDigest = await podman.PushAsync(image, host.ImageReference("podman/app:v1"), format, Cancellation);
        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("podman/app:v1"), Cancellation);
        await podman.RemoveAllImagesAsync(Cancellation);
        var idPulledByDigest = await podman.PullAsync(host.ImageName($"podman/app@{pushedDigest}"), Cancellation);
        await podman.RemoveAllImagesAsync(Cancellation);
        var idPulledByTag = await podman.PullAsync(image, Cancellation);
        var pulledFile = await podman.ReadFileAsync(image, TestImages.ContentFile, Cancellation);

        var servedConfig = ManifestJson.ConfigDigest(servedManifest);
        Assert.Multiple(() =>
        {
            Assert.That(ContentDigest.Of(servedManifest), Is.EqualTo(pushedDigest), "digest of the manifest the host serves");
            Assert.That(ManifestJson.MediaType(servedManifest), Is.EqualTo(manifestMediaType));
            Assert.That($"sha256:{idPulledByDigest}", Is.EqualTo(servedConfig), "image id pulled by digest");
            Assert.That($"sha256:{idPulledByTag}", Is.EqualTo(servedConfig), "image id pulled by tag");
            Assert.That(pulledFile, Is.EqualTo(sourceFile), "file in the pulled image");
        });
    }

    [Test]
    public async Task Manifest_list_pushed_with_all_serves_every_image_it_names()
    {
        var layout = await TestImages.MultiArchAsync(Work.Combine("source"), "parts", Cancellation);
        var host = await StartHostAsync();
        var amd64Digest = await Skopeo.CopyAsync(layout.Reference("parts-amd64"), host.ImageReference("podman/parts:amd64"), Cancellation);
        var arm64Digest = await Skopeo.CopyAsync(layout.Reference("parts-arm64"), host.ImageReference("podman/parts:arm64"), Cancellation);
        var amd64Config = ManifestJson.ConfigDigest(await layout.ReadBlobAsync(amd64Digest, Cancellation));
        const string List = "localhost/podman/list:v1";

        await podman.CreateManifestListAsync(List, Cancellation);
        await podman.AddToManifestListAsync(List, host.ImageReference("podman/parts:amd64"), Cancellation);
        await podman.AddToManifestListAsync(List, host.ImageReference("podman/parts:arm64"), Cancellation);
        var pushedDigest = await podman.PushManifestListAsync(List, host.ImageReference("podman/list:v1"), Cancellation);

        var servedList = await Skopeo.RawManifestAsync(host.ImageReference("podman/list:v1"), Cancellation);
        var entries = ManifestJson.IndexEntries(servedList);
        var imagesServedInListRepository = new List<string>();
        foreach (var entry in entries)
        {
            imagesServedInListRepository.Add(await Skopeo.ManifestDigestAsync(host.ImageReference($"podman/list@{entry.Digest}"), Cancellation));
        }

        var pulledId = await podman.PullAsync(host.ImageName("podman/list:v1"), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(ContentDigest.Of(servedList), Is.EqualTo(pushedDigest), "digest of the list the host serves");
            Assert.That(entries.Select(entry => entry.Digest), Is.EqualTo(new[] { amd64Digest, arm64Digest }), "images the list names");
            Assert.That(entries.Select(entry => entry.Platform), Is.EqualTo(new[] { "linux/amd64", "linux/arm64" }));
            Assert.That(imagesServedInListRepository, Is.EqualTo(new[] { amd64Digest, arm64Digest }), "images pushed into the list's repository");
            Assert.That($"sha256:{pulledId}", Is.EqualTo(amd64Config), "image id of the amd64 image pulled through the list");
        });
    }

    [Test]
    public async Task Search_finds_the_repositories_of_the_catalog_that_match()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var host = await StartHostAsync();
        foreach (var repository in new[] { "search/alpha", "search/beta", "other/gamma" })
        {
            await Skopeo.CopyAsync(layout.Reference("v1"), host.ImageReference($"{repository}:v1"), Cancellation);
        }

        var matching = await podman.SearchAsync(host.ImageName("search"), Cancellation);
        var everything = await podman.SearchAsync(host.ImageName(string.Empty), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(matching, Is.EquivalentTo(new[] { host.ImageName("search/alpha"), host.ImageName("search/beta") }));
            Assert.That(everything, Is.EquivalentTo(new[] { host.ImageName("search/alpha"), host.ImageName("search/beta"), host.ImageName("other/gamma") }));
        });
    }
}
