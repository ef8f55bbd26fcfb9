using System.Text.Json;
using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// The .NET SDK's own container publishing (<c>dotnet publish /t:PublishContainer</c>, no docker involved): it
/// reads a base image from our host, mounts the base's layers into the app's repository (falling back to an
/// upload when the mount is refused), and pushes the app's layer, config and manifest.
/// </summary>
internal sealed class DotnetSdkContainerTests : RealClientTest
{
    [Test]
    public async Task App_published_onto_a_base_image_in_the_registry_is_pulled_back_with_its_files()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "base", Cancellation);
        var baseFile = await layout.ReadFileAsync("base", TestImages.ContentFile, Cancellation);
        var host = await StartHostAsync();
        await Skopeo.CopyAsync(layout.Reference("base"), host.ImageReference("dotnet/base:v1"), Cancellation);
        var baseLayers = ManifestJson.LayerDigests(await Skopeo.RawManifestAsync(host.ImageReference("dotnet/base:v1"), Cancellation));
        var app = DotnetContainerApp.Create(Work.Combine("app"), "registrytestapp", $"published by the SDK {Guid.NewGuid()}");

        await app.PublishContainerAsync(host.Authority, host.ImageName("dotnet/base:v1"), "dotnet/app", "v1", Cancellation);

        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("dotnet/app:v1"), Cancellation);
        var pulled = OciImageLayout.Open(Work.Combine("pulled"));
        var pulledDigest = await Skopeo.CopyAsync(host.ImageReference("dotnet/app:v1"), pulled.Reference("v1"), Cancellation);
        using var config = JsonDocument.Parse(await pulled.ReadBlobAsync(ManifestJson.ConfigDigest(servedManifest), Cancellation));
        var entrypoint = config.RootElement.GetProperty("config").GetProperty("Entrypoint").EnumerateArray().Select(part => part.GetString());
        var pulledAssembly = await pulled.ReadFileAsync("v1", $"/app/{app.Name}.dll", Cancellation);
        var publishedAssembly = await File.ReadAllBytesAsync(Path.Combine(app.PublishDirectory, $"{app.Name}.dll"), Cancellation);
        var pulledBaseFile = await pulled.ReadFileAsync("v1", TestImages.ContentFile, Cancellation);

        var servedLayers = ManifestJson.LayerDigests(servedManifest);
        Assert.Multiple(() =>
        {
            Assert.That(pulledDigest, Is.EqualTo(ContentDigest.Of(servedManifest)), "digest pulled back");
            Assert.That(servedLayers.Take(baseLayers.Count), Is.EqualTo(baseLayers), "the base's layers, reused as they are");
            Assert.That(servedLayers, Has.Count.EqualTo(baseLayers.Count + 1), "one layer with the app");
            Assert.That(config.RootElement.GetProperty("architecture").GetString(), Is.EqualTo("amd64"));
            Assert.That(entrypoint, Is.EqualTo(new[] { "dotnet", $"/app/{app.Name}.dll" }), "entrypoint runs the app");
            Assert.That(pulledAssembly, Is.EqualTo(publishedAssembly), "the app's assembly in the image");
            Assert.That(pulledBaseFile, Is.EqualTo(baseFile), "file of the base image");
        });
    }
}
