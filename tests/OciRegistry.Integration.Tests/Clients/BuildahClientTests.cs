using System.Text;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>buildah (daemonless, private storage per test) builds on a base image in our host and pushes back to it.</summary>
internal sealed class BuildahClientTests : RealClientTest
{
    [Test]
    public async Task Image_built_from_a_base_in_the_registry_is_pushed_and_pulled_back_with_its_files()
    {
        var buildah = new Buildah(Work.Combine("buildah"));
        buildah.RequireInstalled();
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "base", Cancellation);
        var baseFile = await layout.ReadFileAsync("base", TestImages.ContentFile, Cancellation);
        var host = await StartHostAsync();
        await Skopeo.CopyAsync(layout.Reference("base"), host.ImageReference("buildah/base:v1"), Cancellation);
        var baseLayers = ManifestJson.LayerDigests(await Skopeo.RawManifestAsync(host.ImageReference("buildah/base:v1"), Cancellation));
        var greeting = $"built by buildah {Guid.NewGuid()}";
        var context = Work.Combine("context", create: true);
        await File.WriteAllTextAsync(Path.Combine(context, "hello.txt"), greeting, Cancellation);
        await File.WriteAllTextAsync(
            Path.Combine(context, "Containerfile"), $"FROM {host.ImageName("buildah/base:v1")}\nCOPY hello.txt /hello.txt\n", Cancellation);

        await buildah.BuildAsync(context, host.ImageName("buildah/app:v1"), Cancellation);
        var pushedDigest = await buildah.PushAsync(host.ImageName("buildah/app:v1"), host.ImageReference("buildah/app:v1"), Cancellation);

        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("buildah/app:v1"), Cancellation);
        var pulled = OciImageLayout.Open(Work.Combine("pulled"));
        var pulledDigest = await Skopeo.CopyAsync(host.ImageReference("buildah/app:v1"), pulled.Reference("v1"), Cancellation);
        var pulledGreeting = await pulled.ReadFileAsync("v1", "/hello.txt", Cancellation);
        var pulledBaseFile = await pulled.ReadFileAsync("v1", TestImages.ContentFile, Cancellation);

        var servedLayers = ManifestJson.LayerDigests(servedManifest);
        Assert.Multiple(() =>
        {
            Assert.That(ContentDigest.Of(servedManifest), Is.EqualTo(pushedDigest), "digest of the manifest the host serves");
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), "digest pulled back");
            Assert.That(servedLayers.Take(baseLayers.Count), Is.EqualTo(baseLayers), "the base's layers, reused as they are");
            Assert.That(servedLayers, Has.Count.EqualTo(baseLayers.Count + 1), "one layer added by COPY");
            Assert.That(pulledGreeting, Is.EqualTo(Encoding.UTF8.GetBytes(greeting)), "file the build added");
            Assert.That(pulledBaseFile, Is.EqualTo(baseFile), "file of the base image");
        });
    }
}
