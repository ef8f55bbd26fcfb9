using System.Text.Json;
using OciRegistry.GarbageCollection.Tests.Support;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>What a collection keeps and what it deletes: the marking rules, one test each.</summary>
public sealed class MarkAndSweepTests
{
    private const string SignatureType = "application/vnd.example.signature";

    [Test]
    public async Task Tagged_image_is_kept_and_a_blob_nothing_references_is_deleted_with_its_link()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var image = await registry.PushImageAsync(repository, "v1");
        var stray = await registry.Client.PushBlobAsync(repository);

        var result = await registry.CollectAsync();

        await registry.AssertPullsAsync(repository, "v1");
        await registry.Client.AssertNoBlobAsync(repository, stray.Digest);
        Assert.Multiple(() =>
        {
            Assert.That(registry.HasBlobData(stray.Digest), Is.False, "data of the stray blob");
            Assert.That(registry.HasLayerLink(repository, stray.Digest), Is.False, "link of the stray blob");
            Assert.That(result.Deletions, Is.EquivalentTo(new[]
            {
                new GarbageCollectionDeletion(GarbageCollectionItemKind.Blob, null, stray.Digest, stray.Size),
                new GarbageCollectionDeletion(GarbageCollectionItemKind.LayerLink, repository, stray.Digest, 0),
            }));
            Assert.That(result.BytesFreed, Is.EqualTo(stray.Size));
            Assert.That(result.Marked, Is.EqualTo(3), "manifest, config and layer are marked");
            Assert.That(image.Blobs.All(blob => registry.HasBlobData(blob.Digest)), Is.True);
        });
    }

    [Test]
    public async Task Untagged_manifest_is_kept_unless_untagged_manifests_are_deleted()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var shared = TestBlob.Random();
        var old = await registry.PushImageAsync(repository, "latest", shared, TestBlob.Random());
        var current = await registry.PushImageAsync(repository, "latest", shared);

        var keeping = await registry.CollectAsync();
        await registry.AssertPullsAsync(repository, old.Manifest.Digest);
        Assert.That(keeping.Deletions, Is.Empty, "untagged manifests are kept by default");

        var deleting = await registry.CollectAsync(deleteUntagged: true);

        await registry.Client.AssertNoManifestAsync(repository, old.Manifest.Digest);
        await registry.AssertPullsAsync(repository, "latest");
        Assert.Multiple(() =>
        {
            Assert.That(deleting.ManifestsDeleted, Is.EqualTo(1));
            Assert.That(Deleted(deleting, GarbageCollectionItemKind.Blob),
                Is.EquivalentTo(new[] { old.Manifest.Digest, old.Config.Digest, old.Layers[1].Digest }), "the old image's own blobs");
            Assert.That(registry.HasBlobData(shared.Digest), Is.True, "a layer the current image shares");
            Assert.That(current.Blobs.All(blob => registry.HasBlobData(blob.Digest)), Is.True);
        });
    }

    [Test]
    public async Task Manifest_deleted_by_digest_frees_its_blobs_but_not_a_layer_a_kept_image_shares()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var kept = CollectedRegistry.NewRepository();
        var other = CollectedRegistry.NewRepository();
        var shared = TestBlob.Random();
        await registry.PushImageAsync(kept, "v1", shared, TestBlob.Random());
        var sameRepository = await registry.PushImageAsync(kept, "v2", shared, TestBlob.Random());
        var otherRepository = await registry.PushImageAsync(other, "v1", shared, TestBlob.Random());
        foreach (var (repository, image) in new[] { (kept, sameRepository), (other, otherRepository) })
        {
            using var delete = await registry.Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, image.Manifest.Digest));
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        var result = await registry.CollectAsync();

        await registry.AssertPullsAsync(kept, "v1");
        Assert.Multiple(() =>
        {
            Assert.That(Deleted(result, GarbageCollectionItemKind.Blob), Is.EquivalentTo(new[]
            {
                sameRepository.Manifest.Digest, sameRepository.Config.Digest, sameRepository.Layers[1].Digest,
                otherRepository.Manifest.Digest, otherRepository.Config.Digest, otherRepository.Layers[1].Digest,
            }));
            Assert.That(registry.HasBlobData(shared.Digest), Is.True, "the shared layer's data");
            Assert.That(result.ManifestsDeleted, Is.Zero, "the API deleted the manifests already");
        });
    }

    [Test]
    public async Task Children_of_a_tagged_index_are_never_untagged()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var (index, _) = await registry.Client.PushMultiPlatformAsync(repository, "multi");

        var result = await registry.CollectAsync(deleteUntagged: true);

        Assert.That(result.Deletions, Is.Empty);
        await registry.AssertPullsAsync(repository, "multi");
        foreach (var child in ChildDigests(index))
        {
            await registry.AssertPullsAsync(repository, child);
        }
    }

    [Test]
    public async Task Untagged_index_goes_with_its_children_and_their_blobs()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var (index, _) = await registry.Client.PushMultiPlatformAsync(repository, "multi", MediaType.DockerManifestList);
        await registry.PushImageAsync(repository, "other");
        using (var untag = await registry.Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, "multi")))
        {
            await ResponseAssert.StatusAsync(untag, HttpStatusCode.Accepted);
        }

        var result = await registry.CollectAsync(deleteUntagged: true);

        Assert.Multiple(() =>
        {
            Assert.That(Deleted(result, GarbageCollectionItemKind.Manifest), Is.EquivalentTo(ChildDigests(index).Append(index.Digest)));
            Assert.That(result.BlobsDeleted, Is.EqualTo(1 + 2 * 3), "the index and, per child, its manifest, config and layer");
        });
        foreach (var digest in ChildDigests(index).Append(index.Digest))
        {
            await registry.Client.AssertNoManifestAsync(repository, digest);
        }

        await registry.AssertPullsAsync(repository, "other");
    }

    [Test]
    public async Task Referrers_of_a_kept_manifest_are_kept_and_go_with_their_subject()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        var image = await registry.PushImageAsync(repository, "v1");
        var signature = await PushArtifactAsync(registry, repository, image.Manifest);
        var signatureOfSignature = await PushArtifactAsync(registry, repository, signature);

        var keeping = await registry.CollectAsync(deleteUntagged: true);

        Assert.That(keeping.Deletions, Is.Empty, "referrers (and their referrers) of a tagged image are not untagged");
        await registry.AssertPullsAsync(repository, signature.Digest);
        await registry.AssertPullsAsync(repository, signatureOfSignature.Digest);
        Assert.That(await ListReferrersAsync(registry, repository, image.Manifest.Digest), Is.EquivalentTo(new[] { signature.Digest }));

        using (var delete = await registry.Client.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, image.Manifest.Digest)))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        var withoutDeleteUntagged = await registry.CollectAsync();
        await registry.AssertPullsAsync(repository, signature.Digest);
        var deleting = await registry.CollectAsync(deleteUntagged: true);

        Assert.Multiple(() =>
        {
            Assert.That(Deleted(withoutDeleteUntagged, GarbageCollectionItemKind.Blob), Is.EquivalentTo(image.Blobs.Select(blob => blob.Digest).Append(image.Manifest.Digest)));
            Assert.That(Deleted(deleting, GarbageCollectionItemKind.Manifest), Is.EquivalentTo(new[] { signature.Digest, signatureOfSignature.Digest }));
        });
        await registry.Client.AssertNoManifestAsync(repository, signature.Digest);
        Assert.That(await ListReferrersAsync(registry, repository, image.Manifest.Digest), Is.Empty);
    }

    [Test]
    public async Task Dry_run_reports_exactly_what_the_run_then_deletes_and_deletes_nothing()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        await registry.PushImageAsync(repository, "v1");
        await registry.PushImageAsync(repository, "v1");
        await registry.Client.PushBlobAsync(repository);
        await registry.Client.StartUploadAsync(repository);
        var files = registry.Files();

        var dryRun = await registry.CollectAsync(deleteUntagged: true, dryRun: true);

        Assert.That(registry.Files(), Is.EqualTo(files), "a dry run writes and deletes nothing");
        var run = await registry.CollectAsync(deleteUntagged: true);
        Assert.Multiple(() =>
        {
            Assert.That(dryRun.DryRun, Is.True);
            Assert.That(dryRun.Deletions, Is.EquivalentTo(run.Deletions));
            Assert.That(run.ManifestsDeleted, Is.EqualTo(1));
            Assert.That(run.BlobsDeleted, Is.EqualTo(4), "old manifest, config, layer and the stray blob");
            Assert.That(run.LayerLinksDeleted, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task A_second_collection_finds_nothing_more()
    {
        await using var registry = await CollectedRegistry.StartAsync();
        var repository = CollectedRegistry.NewRepository();
        await registry.Client.PushMultiPlatformAsync(repository, "multi");
        await registry.PushImageAsync(repository, "v1");
        await registry.PushImageAsync(repository, null);
        await registry.Client.PushBlobAsync(repository);

        var first = await registry.CollectAsync(deleteUntagged: true);
        var second = await registry.CollectAsync(deleteUntagged: true);

        Assert.Multiple(() =>
        {
            Assert.That(first.Deletions, Is.Not.Empty);
            Assert.That(second.Deletions, Is.Empty);
        });
        await registry.AssertPullsAsync(repository, "multi");
        await registry.AssertPullsAsync(repository, "v1");
    }

    private static IEnumerable<string> Deleted(GarbageCollectionResult result, GarbageCollectionItemKind kind) =>
        result.Deletions.Where(deletion => deletion.Kind == kind).Select(deletion => deletion.Item);

    private static List<string> ChildDigests(TestManifest index)
    {
        using var json = JsonDocument.Parse(index.Content);
        return [.. json.RootElement.GetProperty("manifests").EnumerateArray().Select(child => child.GetProperty("digest").GetString()!)];
    }

    private static async Task<TestManifest> PushArtifactAsync(CollectedRegistry registry, string repository, TestManifest subject)
    {
        var config = await registry.Client.PushBlobAsync(repository, TestBlob.Text("{}"));
        var artifact = Manifests.Artifact(Manifests.Descriptor(subject), SignatureType, config,
            annotations: new Dictionary<string, string> { ["example.id"] = Guid.NewGuid().ToString() });
        return await registry.Client.PushManifestAsync(repository, artifact);
    }

    private static async Task<List<string>> ListReferrersAsync(CollectedRegistry registry, string repository, string digest)
    {
        using var response = await registry.Client.GetAsync(RegistryClient.ReferrersPath(repository, digest));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return [.. json.RootElement.GetProperty("manifests").EnumerateArray().Select(entry => entry.GetProperty("digest").GetString()!)];
    }
}
