using System.Text;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// The docker CLI and engine (dockerd 20.10, started by eng/services/dockerd.sh) against our host. docker push
/// recompresses layers, so layer digests differ from the source's; what must come back unchanged is the image id
/// (the config digest, which names every layer's uncompressed digest), the manifest digest docker pushed, and the
/// files.
/// </summary>
internal sealed class DockerClientTests : RealClientTest
{
    private DockerCli docker = null!;
    private RegistryProcess host = null!;

    // The registry whose images the engine may hold; null when the set-up ended before the host started.
    private string? registryToClean;

    [SetUp]
    public async Task RequireEngineAndStartHost()
    {
        registryToClean = null;
        docker = new DockerCli(Work.Combine("docker-config"));
        await docker.RequireEngineAsync(Cancellation);
        host = await StartHostAsync();
        registryToClean = host.Authority;
    }

    [TearDown]
    public async Task RemoveImagesFromEngine()
    {
        if (registryToClean is not null)
        {
            await docker.RemoveImagesOfRegistryAsync(registryToClean, CancellationToken.None);
        }
    }

    [Test]
    public async Task Loaded_and_tagged_image_pushed_then_pulled_by_digest_and_by_tag_comes_back_identical()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var sourceConfig = ManifestJson.ConfigDigest(await Skopeo.RawManifestAsync(layout.Reference("v1"), Cancellation));
        var sourceFile = await layout.ReadFileAsync("v1", TestImages.ContentFile, Cancellation);
        var localName = $"ociregistry-test/app:{host.Port}";
        var archive = Work.Combine("image.tar");
        await Skopeo.SaveDockerArchiveAsync(layout.Reference("v1"), archive, localName, Cancellation);
        await docker.LoadAsync(archive, Cancellation);
        var image = host.ImageName("docker/app:v1");
        await docker.TagAsync(localName, image, Cancellation);

        var pushedDigest = await docker.PushAsync(image, Cancellation);
        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("docker/app:v1"), Cancellation);
        await docker.RemoveImagesAsync(Cancellation, image, localName);
        var goneBeforePull = !await docker.HasImageAsync(sourceConfig, Cancellation);

        var byDigest = host.ImageName($"docker/app@{pushedDigest}");
        var pulledByDigest = await docker.PullAsync(byDigest, Cancellation);
        var idPulledByDigest = await docker.ImageIdAsync(byDigest, Cancellation);
        await docker.RemoveImagesAsync(Cancellation, byDigest);
        var pulledByTag = await docker.PullAsync(image, Cancellation);
        var idPulledByTag = await docker.ImageIdAsync(image, Cancellation);
        var pulledFile = await docker.ReadFileAsync(image, TestImages.ContentFile, Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(ContentDigest.Of(servedManifest), Is.EqualTo(pushedDigest), "digest of the manifest the host serves");
            Assert.That(ManifestJson.MediaType(servedManifest), Is.EqualTo(TestImages.DockerManifestMediaType));
            Assert.That(ManifestJson.ConfigDigest(servedManifest), Is.EqualTo(sourceConfig), "config the host serves");
            Assert.That(goneBeforePull, Is.True, "docker rmi removed the image before the pulls");
            Assert.That(pulledByDigest, Is.EqualTo(pushedDigest), "digest docker pulled by digest");
            Assert.That(idPulledByDigest, Is.EqualTo(sourceConfig), "image id pulled by digest");
            Assert.That(pulledByTag, Is.EqualTo(pushedDigest), "digest docker pulled by tag");
            Assert.That(idPulledByTag, Is.EqualTo(sourceConfig), "image id pulled by tag");
            Assert.That(pulledFile, Is.EqualTo(sourceFile), "file in the pulled image");
        });
    }

    [Test]
    public async Task Pull_with_platform_gets_that_image_of_a_multi_arch_index()
    {
        var layout = await TestImages.MultiArchAsync(Work.Combine("source"), "multi", Cancellation);
        var index = await Skopeo.RawManifestAsync(layout.Reference("multi"), Cancellation);
        var arm64 = ManifestJson.IndexEntries(index).Single(entry => entry.Platform == "linux/arm64");
        var arm64Config = ManifestJson.ConfigDigest(await layout.ReadBlobAsync(arm64.Digest, Cancellation));
        var arm64File = await layout.ReadFileAsync("multi-arm64", TestImages.ContentFile, Cancellation);
        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("multi"), host.ImageReference("docker/multi:v1"), Cancellation, "--all");
        var image = host.ImageName("docker/multi:v1");

        var pulledDigest = await docker.PullAsync(image, Cancellation, platform: "linux/arm64");
        var pulledId = await docker.ImageIdAsync(image, Cancellation);
        var pulledPlatform = await docker.InspectAsync(image, "{{.Os}}/{{.Architecture}}", Cancellation);
        var pulledFile = await docker.ReadFileAsync(image, TestImages.ContentFile, Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), "docker reports the index's digest");
            Assert.That(pulledId, Is.EqualTo(arm64Config), "image id: the arm64 image's config");
            Assert.That(pulledPlatform, Is.EqualTo("linux/arm64"));
            Assert.That(pulledFile, Is.EqualTo(arm64File), "file in the pulled image");
        });
    }

    [Test]
    public async Task Manifest_list_made_with_docker_manifest_is_pushed_and_served_as_made()
    {
        var layout = await TestImages.MultiArchAsync(Work.Combine("source"), "parts", Cancellation);
        // docker manifest create reads the images from the registry; docker images (schema 2) are its home ground.
        var amd64Digest = await Skopeo.CopyAsync(
            layout.Reference("parts-amd64"), host.ImageReference("docker/parts:amd64"), Cancellation, "--format", "v2s2");
        var arm64Digest = await Skopeo.CopyAsync(
            layout.Reference("parts-arm64"), host.ImageReference("docker/parts:arm64"), Cancellation, "--format", "v2s2");
        var amd64Config = ManifestJson.ConfigDigest(await Skopeo.RawManifestAsync(host.ImageReference("docker/parts:amd64"), Cancellation));
        var list = host.ImageName("docker/list:v1");

        await docker.CreateManifestListAsync(list, [host.ImageName("docker/parts:amd64"), host.ImageName("docker/parts:arm64")], Cancellation);
        var pushedDigest = await docker.PushManifestListAsync(list, Cancellation);

        var servedList = await Skopeo.RawManifestAsync(host.ImageReference("docker/list:v1"), Cancellation);
        var entries = ManifestJson.IndexEntries(servedList);
        var imagesServedInListRepository = new List<string>();
        foreach (var entry in entries)
        {
            imagesServedInListRepository.Add(await Skopeo.ManifestDigestAsync(host.ImageReference($"docker/list@{entry.Digest}"), Cancellation));
        }

        var pulledDigest = await docker.PullAsync(list, Cancellation, platform: "linux/amd64");
        var pulledId = await docker.ImageIdAsync(list, Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(ContentDigest.Of(servedList), Is.EqualTo(pushedDigest), "digest of the list the host serves");
            Assert.That(ManifestJson.MediaType(servedList), Is.EqualTo(TestImages.DockerManifestListMediaType));
            Assert.That(entries.Select(entry => entry.Digest), Is.EqualTo(new[] { amd64Digest, arm64Digest }), "images the list names");
            Assert.That(entries.Select(entry => entry.Platform), Is.EqualTo(new[] { "linux/amd64", "linux/arm64" }));
            Assert.That(imagesServedInListRepository, Is.EqualTo(new[] { amd64Digest, arm64Digest }), "images pushed into the list's repository");
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), "digest docker pulled");
            Assert.That(pulledId, Is.EqualTo(amd64Config), "image id of the amd64 image pulled through the list");
        });
    }

    [Test]
    public async Task Image_built_from_a_base_in_the_registry_is_pushed_and_pulled_back_with_its_files()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "base", Cancellation);
        var baseFile = await layout.ReadFileAsync("base", TestImages.ContentFile, Cancellation);
        var baseImage = host.ImageName("docker/base:v1");
        await Skopeo.CopyAsync(layout.Reference("base"), host.ImageReference("docker/base:v1"), Cancellation, "--format", "v2s2");
        var baseLayers = ManifestJson.LayerDigests(await Skopeo.RawManifestAsync(host.ImageReference("docker/base:v1"), Cancellation));
        var greeting = $"built by docker {Guid.NewGuid()}";
        var context = Work.Combine("context", create: true);
        await File.WriteAllTextAsync(Path.Combine(context, "hello.txt"), greeting, Cancellation);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {baseImage}\nCOPY hello.txt /hello.txt\n", Cancellation);
        var image = host.ImageName("docker/built:v1");

        await docker.BuildAsync(context, image, Cancellation);
        var builtId = await docker.ImageIdAsync(image, Cancellation);
        var pushedDigest = await docker.PushAsync(image, Cancellation);
        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("docker/built:v1"), Cancellation);
        await docker.RemoveImagesAsync(Cancellation, image, baseImage);

        var pulledDigest = await docker.PullAsync(image, Cancellation);
        var pulledId = await docker.ImageIdAsync(image, Cancellation);
        var pulledGreeting = await docker.ReadFileAsync(image, "/hello.txt", Cancellation);
        var pulledBaseFile = await docker.ReadFileAsync(image, TestImages.ContentFile, Cancellation);

        var servedLayers = ManifestJson.LayerDigests(servedManifest);
        Assert.Multiple(() =>
        {
            Assert.That(ContentDigest.Of(servedManifest), Is.EqualTo(pushedDigest), "digest of the manifest the host serves");
            Assert.That(servedLayers.Take(baseLayers.Count), Is.EqualTo(baseLayers), "the base's layers, reused as they are");
            Assert.That(servedLayers, Has.Count.EqualTo(baseLayers.Count + 1), "one layer added by COPY");
            Assert.That(ManifestJson.ConfigDigest(servedManifest), Is.EqualTo(builtId), "config the host serves");
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), "digest docker pulled");
            Assert.That(pulledId, Is.EqualTo(builtId), "image id pulled");
            Assert.That(pulledGreeting, Is.EqualTo(Encoding.UTF8.GetBytes(greeting)), "file the build added");
            Assert.That(pulledBaseFile, Is.EqualTo(baseFile), "file of the base image");
        });
    }
}
