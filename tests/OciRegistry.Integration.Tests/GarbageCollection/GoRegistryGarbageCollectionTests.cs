using System.Text.RegularExpressions;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.GarbageCollection;

/// <summary>
/// Our <c>garbage-collect</c> next to distribution's (<c>docker-registry garbage-collect</c>, Debian's 2.8) on one tree
/// built by real pushes and deletes of single-arch images: both pick the same blobs, and after ours the Go registry has
/// nothing left to collect and serves every remaining image.
/// </summary>
internal sealed partial class GoRegistryGarbageCollectionTests : RealClientTest
{
    private static readonly string[] NoGracePeriod =
        ["--OciRegistry:GarbageCollection:GracePeriod=00:00:00", "--OciRegistry:GarbageCollection:SettleDelay=00:00:00"];

    [Test]
    public async Task Both_collectors_select_the_same_blobs_and_the_go_registry_serves_what_ours_kept()
    {
        var images = new List<OciImageLayout>();
        for (var i = 0; i < 5; i++)
        {
            images.Add(await TestImages.SingleArchAsync(Work.Combine($"image{i}"), "v1", Cancellation));
        }

        var host = await StartHostAsync();
        Task<string> PushAsync(int image, string target, params string[] options) =>
            Skopeo.CopyAsync(images[image].Reference("v1"), host.ImageReference(target), Cancellation, options);
        var kept = new Dictionary<string, string>();
        await PushAsync(0, "interop/app:v1");
        kept["interop/app:v1"] = await PushAsync(1, "interop/app:v1");
        kept["interop/app:v2"] = await PushAsync(2, "interop/app:v2", "--format", "v2s2");
        kept["interop/other:keep"] = await PushAsync(0, "interop/other:keep");
        await PushAsync(3, "interop/gone:v1");
        await Skopeo.DeleteAsync(host.ImageReference("interop/gone:v1"), Cancellation);
        await PushAsync(4, "interop/app:old");
        await PushAsync(1, "interop/app:old");
        var stray = await UploadStrayBlobAsync(host, "interop/app");
        await host.StopAsync();
        var root = host.RootDirectory;

        // Image 0 is untagged in interop/app but tagged in interop/other; image 3 was deleted by digest; image 4 is untagged.
        foreach (var deleteUntagged in new[] { false, true })
        {
            string[] options = deleteUntagged ? ["--dry-run", "--delete-untagged"] : ["--dry-run"];
            var theirs = GoBlobs(await GoRegistry.GarbageCollectAsync(root, Work.Path, options, Cancellation));
            var ours = OurBlobs(await OciRegistryHost.RunCommandAsync(root, ["garbage-collect", .. options, .. NoGracePeriod], Cancellation));
            Assert.Multiple(() =>
            {
                Assert.That(ours, Is.EquivalentTo(theirs), $"blobs selected with {string.Join(' ', options)}");
                Assert.That(ours, Does.Contain(stray));
                Assert.That(ours, Has.Count.EqualTo(deleteUntagged ? 7 : 4), "image 3's manifest, config and layer, the stray blob (and image 4's three)");
            });
        }

        var collected = await OciRegistryHost.RunCommandAsync(root, ["garbage-collect", "--delete-untagged", .. NoGracePeriod], Cancellation);
        var after = await GoRegistry.GarbageCollectAsync(root, Work.Path, ["--dry-run", "--delete-untagged"], Cancellation);
        Assert.Multiple(() =>
        {
            Assert.That(OurBlobs(collected, "deleted"), Has.Count.EqualTo(7));
            Assert.That(GoBlobs(after), Is.Empty, "the Go collector finds nothing left");
            Assert.That(GoSummary().Match(after.StandardOutputText).Groups["manifests"].Value, Is.EqualTo("0"), after.StandardOutputText);
        });

        var go = await StartGoRegistryAsync();
        foreach (var (image, digest) in kept)
        {
            // A dir: copy keeps the manifest as served (an oci: layout would convert the Docker one) and checks every blob.
            var pulled = await Skopeo.CopyAsync(go.ImageReference(image), $"dir:{Work.Combine("pulled-" + image.Replace('/', '-').Replace(':', '-'))}", Cancellation);
            Assert.That(pulled, Is.EqualTo(digest), $"{image} pulled from the Go registry after our collection");
        }
    }

    private static async Task<string> UploadStrayBlobAsync(RegistryProcess host, string repository)
    {
        var content = System.Text.Encoding.UTF8.GetBytes($"stray {Guid.NewGuid()}");
        var digest = ContentDigest.Of(content);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var body = new ByteArrayContent(content);
        using var response = await client.PostAsync(new Uri($"v2/{repository}/blobs/uploads/?digest={digest}", UriKind.Relative), body, Cancellation);
        Assert.That((int)response.StatusCode, Is.EqualTo(201), "monolithic upload of the stray blob");
        return digest;
    }

    private static List<string> GoBlobs(ProgramResult result) =>
        [.. GoEligibleBlob().Matches(result.StandardOutputText).Select(match => match.Groups["digest"].Value)];

    private static List<string> OurBlobs(ProgramResult result, string verb = "would delete") =>
        [.. OurDeletedBlob().Matches(result.StandardOutputText).Where(match => match.Groups["verb"].Value == verb).Select(match => match.Groups["digest"].Value)];

    [GeneratedRegex(@"^blob eligible for deletion: (?<digest>sha256:[0-9a-f]{64})\s*$", RegexOptions.Multiline)]
    private static partial Regex GoEligibleBlob();

    [GeneratedRegex(@"^(?<verb>would delete|deleted) blob (?<digest>sha256:[0-9a-f]{64}) ", RegexOptions.Multiline)]
    private static partial Regex OurDeletedBlob();

    [GeneratedRegex(@"(?<blobs>\d+) blobs and (?<manifests>\d+) manifests eligible for deletion")]
    private static partial Regex GoSummary();
}
