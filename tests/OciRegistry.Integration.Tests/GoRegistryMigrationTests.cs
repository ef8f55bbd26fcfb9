using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests;

/// <summary>
/// Our host and the Go registry (CNCF distribution 2.8) serve each other's storage root as is: migration in
/// either direction needs no copy.
/// </summary>
internal sealed class GoRegistryMigrationTests : RealClientTest
{
    private const string Repository = "migrated/app";

    [TestCase(false, TestName = "Image_pushed_here_is_pulled_by_the_go_registry_with_identical_digests")]
    [TestCase(true, TestName = "Multi_arch_index_pushed_here_is_pulled_by_the_go_registry_with_identical_digests")]
    public async Task Pushed_to_our_host_then_served_by_the_go_registry(bool multiArch)
    {
        await AssertServedAfterMigrationAsync(multiArch, () => StartHostAsync(), () => StartGoRegistryAsync());
    }

    [TestCase(false, TestName = "Image_pushed_to_the_go_registry_is_pulled_here_with_identical_digests")]
    [TestCase(true, TestName = "Multi_arch_index_pushed_to_the_go_registry_is_pulled_here_with_identical_digests")]
    public async Task Pushed_to_the_go_registry_then_served_by_our_host(bool multiArch)
    {
        await AssertServedAfterMigrationAsync(multiArch, () => StartGoRegistryAsync(), () => StartHostAsync());
    }

    /// <summary>
    /// Pushes with skopeo to the first registry, stops it, starts the second on the same storage root, and checks
    /// that it serves the same tag, manifest bytes and (for an index) images, and that a pull gets identical digests.
    /// </summary>
    private async Task AssertServedAfterMigrationAsync(
        bool multiArch, Func<Task<RegistryProcess>> startFirst, Func<Task<RegistryProcess>> startSecond)
    {
        var layout = multiArch
            ? await TestImages.MultiArchAsync(Work.Combine("source"), "v1", Cancellation)
            : await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var sourceManifest = await Skopeo.RawManifestAsync(layout.Reference("v1"), Cancellation);
        string[] copyOptions = multiArch ? ["--all"] : [];

        var first = await startFirst();
        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("v1"), first.ImageReference($"{Repository}:v1"), Cancellation, copyOptions);
        await first.StopAsync();

        var second = await startSecond();
        Assert.That(second.RootDirectory, Is.EqualTo(first.RootDirectory), "both registries serve one storage root");
        var tags = await Skopeo.ListTagsAsync(second.ImageReference(Repository), Cancellation);
        var servedManifest = await Skopeo.RawManifestAsync(second.ImageReference($"{Repository}:v1"), Cancellation);
        var imageDigests = multiArch ? ManifestJson.IndexEntries(sourceManifest).Select(entry => entry.Digest).ToList() : [];
        var servedImageDigests = new List<string>();
        foreach (var digest in imageDigests)
        {
            servedImageDigests.Add(await Skopeo.ManifestDigestAsync(second.ImageReference($"{Repository}@{digest}"), Cancellation));
        }

        var pulled = $"oci:{Work.Combine("pulled")}:v1";
        var pulledDigest = await Skopeo.CopyAsync(second.ImageReference($"{Repository}:v1"), pulled, Cancellation, copyOptions);
        var pulledLayoutDigest = await Skopeo.ManifestDigestAsync(pulled, Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(pushedDigest, Is.EqualTo(ContentDigest.Of(sourceManifest)), $"digest pushed to {first.Name}");
            Assert.That(tags, Is.EqualTo(new[] { "v1" }), $"tags listed by {second.Name}");
            Assert.That(servedManifest, Is.EqualTo(sourceManifest), $"manifest served by {second.Name}");
            Assert.That(servedImageDigests, Is.EqualTo(imageDigests), $"images of the index served by {second.Name}");
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), $"digest pulled from {second.Name}");
            Assert.That(pulledLayoutDigest, Is.EqualTo(pushedDigest), "digest in the pulled layout");
        });
    }
}
