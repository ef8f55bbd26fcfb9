using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;
using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests;

/// <summary>
/// skopeo against our host, once per storage driver (each test on fresh storage: a folder, or a new bucket or
/// container on the shared S3 and Azurite servers): what goes in comes out byte for byte, and the tag operations work.
/// </summary>
[TestFixtureSource(typeof(StorageTarget), nameof(StorageTarget.All))]
internal sealed class SkopeoRoundTripTests(StorageTarget target) : RealClientTest
{
    [Test]
    public async Task Oci_image_pushed_and_pulled_back_keeps_its_manifest_digest()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var sourceDigest = await Skopeo.ManifestDigestAsync(layout.Reference("v1"), Cancellation);
        var host = await StartHostOnTargetAsync();

        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("v1"), host.ImageReference("round/trip:v1"), Cancellation);
        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("round/trip:v1"), Cancellation);
        var pulledDigest = await Skopeo.CopyAsync(host.ImageReference("round/trip:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);
        var pulledLayoutDigest = await Skopeo.ManifestDigestAsync($"oci:{Work.Combine("pulled")}:v1", Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(pushedDigest, Is.EqualTo(sourceDigest), "digest skopeo pushed");
            Assert.That(ContentDigest.Of(servedManifest), Is.EqualTo(sourceDigest), "digest of the manifest the host serves");
            Assert.That(pulledDigest, Is.EqualTo(sourceDigest), "digest skopeo pulled");
            Assert.That(pulledLayoutDigest, Is.EqualTo(sourceDigest), "digest in the pulled layout");
        });
    }

    [Test]
    public async Task Docker_schema2_image_pushed_and_pulled_back_keeps_its_manifest_digest()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var host = await StartHostOnTargetAsync();

        var pushedDigest = await Skopeo.CopyAsync(
            layout.Reference("v1"), host.ImageReference("docker/schema2:v1"), Cancellation, "--format", "v2s2");
        var servedManifest = await Skopeo.RawManifestAsync(host.ImageReference("docker/schema2:v1"), Cancellation);
        var pulledDirectory = Work.Combine("pulled");
        var pulledDigest = await Skopeo.CopyAsync(host.ImageReference("docker/schema2:v1"), $"dir:{pulledDirectory}", Cancellation);
        var pulledFileDigest = await Skopeo.ManifestFileDigestAsync(Path.Combine(pulledDirectory, "manifest.json"), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(ManifestJson.MediaType(servedManifest), Is.EqualTo(TestImages.DockerManifestMediaType));
            Assert.That(ContentDigest.Of(servedManifest), Is.EqualTo(pushedDigest), "digest of the manifest the host serves");
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), "digest skopeo pulled");
            Assert.That(pulledFileDigest, Is.EqualTo(pushedDigest), "digest of the pulled manifest file");
        });
    }

    [Test]
    public async Task Multi_arch_index_pushed_and_pulled_back_with_all_keeps_every_digest()
    {
        var layout = await TestImages.MultiArchAsync(Work.Combine("source"), "multi", Cancellation);
        var sourceIndex = await Skopeo.RawManifestAsync(layout.Reference("multi"), Cancellation);
        var host = await StartHostOnTargetAsync();

        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("multi"), host.ImageReference("multi/arch:multi"), Cancellation, "--all");
        var servedIndex = await Skopeo.RawManifestAsync(host.ImageReference("multi/arch:multi"), Cancellation);
        var pulledLayout = $"oci:{Work.Combine("pulled")}:multi";
        await Skopeo.CopyAsync(host.ImageReference("multi/arch:multi"), pulledLayout, Cancellation, "--all");
        var pulledIndexDigest = await Skopeo.ManifestDigestAsync(pulledLayout, Cancellation);

        var entries = ManifestJson.IndexEntries(sourceIndex);
        var servedImageDigests = new List<string>();
        foreach (var entry in entries)
        {
            servedImageDigests.Add(await Skopeo.ManifestDigestAsync(host.ImageReference($"multi/arch@{entry.Digest}"), Cancellation));
        }

        Assert.Multiple(() =>
        {
            Assert.That(pushedDigest, Is.EqualTo(ContentDigest.Of(sourceIndex)), "digest skopeo pushed");
            Assert.That(servedIndex, Is.EqualTo(sourceIndex), "index the host serves");
            Assert.That(ManifestJson.MediaType(servedIndex), Is.EqualTo(TestImages.ImageIndexMediaType));
            Assert.That(entries.Select(entry => entry.Platform), Is.EqualTo(new[] { "linux/amd64", "linux/arm64" }));
            Assert.That(servedImageDigests, Is.EqualTo(entries.Select(entry => entry.Digest)), "images served by digest");
            Assert.That(pulledIndexDigest, Is.EqualTo(pushedDigest), "digest of the pulled index");
        });
    }

    [Test]
    public async Task Inspect_reports_the_pushed_digest_platform_and_layers()
    {
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        var host = await StartHostOnTargetAsync();
        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("v1"), host.ImageReference("inspected/image:v1"), Cancellation);

        using var inspection = await Skopeo.InspectAsync(host.ImageReference("inspected/image:v1"), Cancellation);

        var root = inspection.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("Digest").GetString(), Is.EqualTo(pushedDigest));
            Assert.That(root.GetProperty("Architecture").GetString(), Is.EqualTo("amd64"));
            Assert.That(root.GetProperty("Os").GetString(), Is.EqualTo("linux"));
            Assert.That(root.GetProperty("Layers").GetArrayLength(), Is.EqualTo(1));
            Assert.That(root.GetProperty("RepoTags").EnumerateArray().Select(tag => tag.GetString()), Is.EqualTo(new[] { "v1" }));
        });
    }

    [Test]
    public async Task List_tags_names_every_pushed_tag()
    {
        var first = await TestImages.SingleArchAsync(Work.Combine("first"), "one", Cancellation);
        var second = await TestImages.SingleArchAsync(Work.Combine("second"), "two", Cancellation);
        var host = await StartHostOnTargetAsync();
        await Skopeo.CopyAsync(first.Reference("one"), host.ImageReference("tagged/repo:one"), Cancellation);
        await Skopeo.CopyAsync(second.Reference("two"), host.ImageReference("tagged/repo:two"), Cancellation);
        await Skopeo.CopyAsync(second.Reference("two"), host.ImageReference("tagged/repo:latest"), Cancellation);

        var tags = await Skopeo.ListTagsAsync(host.ImageReference("tagged/repo"), Cancellation);

        Assert.That(tags, Is.EquivalentTo(new[] { "one", "two", "latest" }));
    }

    [Test]
    public async Task Deleted_image_loses_its_tag_and_other_tags_remain()
    {
        var first = await TestImages.SingleArchAsync(Work.Combine("first"), "one", Cancellation);
        var second = await TestImages.SingleArchAsync(Work.Combine("second"), "two", Cancellation);
        var host = await StartHostOnTargetAsync();
        await Skopeo.CopyAsync(first.Reference("one"), host.ImageReference("deleted/repo:one"), Cancellation);
        await Skopeo.CopyAsync(second.Reference("two"), host.ImageReference("deleted/repo:two"), Cancellation);

        await Skopeo.DeleteAsync(host.ImageReference("deleted/repo:one"), Cancellation);

        var tags = await Skopeo.ListTagsAsync(host.ImageReference("deleted/repo"), Cancellation);
        var deleted = await Skopeo.TryInspectAsync(host.ImageReference("deleted/repo:one"), Cancellation);
        var kept = await Skopeo.TryInspectAsync(host.ImageReference("deleted/repo:two"), Cancellation);
        Assert.Multiple(() =>
        {
            Assert.That(tags, Is.EqualTo(new[] { "two" }));
            Assert.That(deleted.Succeeded, Is.False, $"inspect of the deleted tag: {deleted}");
            Assert.That(kept.Succeeded, Is.True, $"inspect of the kept tag: {kept}");
        });
    }

    private Task<RegistryProcess> StartHostOnTargetAsync() => StartHostAsync(target.CreateStorage(Work));
}
