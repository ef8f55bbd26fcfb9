using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRegistry.Api.Tests;

/// <summary><c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;[?artifactType=]</c>: the OCI 1.1 referrers API.</summary>
public sealed class ReferrerTests(RegistryTarget target) : RegistryApiTest(target)
{
    private const string SbomType = "application/vnd.example.sbom+json";
    private const string SignatureType = "application/vnd.example.signature";

    [Test]
    public async Task Referrers_are_an_OCI_index_of_the_descriptors_of_manifests_whose_subject_is_the_digest()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        var sbomAnnotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2024-01-02T03:04:05Z", ["example.kind"] = "sbom" };
        var sbom = await PushArtifactAsync(repository, subject, SbomType, sbomAnnotations);
        var signature = await PushArtifactAsync(repository, subject, SignatureType);
        await PushArtifactAsync(repository, await Registry.PushImageAsync(repository), SbomType);

        var (descriptors, filtersApplied) = await ListReferrersAsync(repository, subject.Digest);

        Assert.That(descriptors.Keys, Is.EquivalentTo(new[] { sbom.Digest, signature.Digest }));
        AssertDescriptor(descriptors[sbom.Digest], sbom, SbomType, sbomAnnotations);
        AssertDescriptor(descriptors[signature.Digest], signature, SignatureType, annotations: null);
        Assert.That(filtersApplied, Is.Null, "no filter was asked for");
    }

    [Test]
    public async Task Digest_without_referrers_gets_an_empty_index()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "lonely");

        var (descriptors, _) = await ListReferrersAsync(repository, subject.Digest);

        Assert.That(descriptors, Is.Empty);
    }

    [Test]
    public async Task Referrers_of_a_subject_that_was_never_pushed_are_listed()
    {
        var repository = NewRepository();
        var absent = TestManifest.FromText("{\"schemaVersion\":2}", MediaType.OciManifest);
        var artifact = await PushArtifactAsync(repository, absent, SbomType);

        var (descriptors, _) = await ListReferrersAsync(repository, absent.Digest);

        Assert.That(descriptors.Keys, Is.EquivalentTo(new[] { artifact.Digest }));
    }

    [Test]
    public async Task ArtifactType_filter_keeps_the_matching_referrers_and_says_it_was_applied()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        var sbom = await PushArtifactAsync(repository, subject, SbomType);
        await PushArtifactAsync(repository, subject, SignatureType);

        var (descriptors, filtersApplied) = await ListReferrersAsync(repository, subject.Digest, $"?artifactType={Uri.EscapeDataString(SbomType)}");

        Assert.Multiple(() =>
        {
            Assert.That(descriptors.Keys, Is.EquivalentTo(new[] { sbom.Digest }));
            Assert.That(filtersApplied, Is.EqualTo("artifactType"));
        });
    }

    [Test]
    public async Task ArtifactType_filter_matching_nothing_gets_an_empty_index()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        await PushArtifactAsync(repository, subject, SbomType);

        var (descriptors, filtersApplied) = await ListReferrersAsync(repository, subject.Digest, "?artifactType=application/vnd.example.none");

        Assert.That(descriptors, Is.Empty);
        Assert.That(filtersApplied, Is.EqualTo("artifactType"));
    }

    [Test]
    public async Task Artifact_without_artifactType_is_listed_with_its_config_media_type()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        const string configType = "application/vnd.example.config.v1+json";
        var config = await Registry.PushBlobAsync(repository, TestBlob.Text("{\"kind\":\"config\"}"));
        var artifact = await Registry.PushManifestAsync(repository, Manifests.Artifact(Manifests.Descriptor(subject), artifactType: null, config, configType));

        var (descriptors, _) = await ListReferrersAsync(repository, subject.Digest);

        AssertDescriptor(descriptors[artifact.Digest], artifact, configType, annotations: null);
    }

    [Test]
    public async Task Index_with_a_subject_is_listed_as_a_referrer()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        var child = await Registry.PushImageAsync(repository);
        var json = (JsonObject)JsonNode.Parse(Manifests.Index([Manifests.Descriptor(child)]).Content)!;
        json["artifactType"] = SignatureType;
        json["subject"] = Manifests.Descriptor(subject);
        var index = await Registry.PushManifestAsync(repository, Manifests.Serialize(json, MediaType.OciIndex));

        var (descriptors, _) = await ListReferrersAsync(repository, subject.Digest);

        AssertDescriptor(descriptors[index.Digest], index, SignatureType, annotations: null);
    }

    [Test]
    public async Task Deleted_referrer_disappears_from_the_listing()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        var kept = await PushArtifactAsync(repository, subject, SbomType);
        var deleted = await PushArtifactAsync(repository, subject, SignatureType);

        using (var delete = await Registry.SendAsync(HttpMethod.Delete, RegistryClient.ManifestPath(repository, deleted.Digest)))
        {
            await ResponseAssert.StatusAsync(delete, HttpStatusCode.Accepted);
        }

        var (descriptors, _) = await ListReferrersAsync(repository, subject.Digest);
        Assert.That(descriptors.Keys, Is.EquivalentTo(new[] { kept.Digest }));
    }

    [Test]
    public async Task Referrers_of_another_repository_are_not_listed()
    {
        var repository = NewRepository();
        var subject = await Registry.PushImageAsync(repository, "app");
        await PushArtifactAsync(NewRepository(), subject, SbomType);

        var (descriptors, _) = await ListReferrersAsync(repository, subject.Digest);

        Assert.That(descriptors, Is.Empty);
    }

    [TestCase("sha256:abc")]
    [TestCase("latest")]
    public async Task Referrers_of_an_invalid_digest_is_400(string digest)
    {
        using var response = await Registry.GetAsync(RegistryClient.ReferrersPath(NewRepository(), digest));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    /// <summary>
    /// GETs the referrers, asserting 200 and an OCI index (Content-Type, schemaVersion, mediaType), and returns its
    /// descriptors by digest with the <c>OCI-Filters-Applied</c> header.
    /// </summary>
    private async Task<(Dictionary<string, JsonElement> Descriptors, string? FiltersApplied)> ListReferrersAsync(string repository, string digest, string query = "")
    {
        using var response = await Registry.GetAsync(RegistryClient.ReferrersPath(repository, digest) + query);
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var root = index.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(ResponseAssert.Header(response, "Content-Type"), Is.EqualTo(MediaType.OciIndex));
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(2));
            Assert.That(root.GetProperty("mediaType").GetString(), Is.EqualTo(MediaType.OciIndex));
            Assert.That(root.GetProperty("manifests").ValueKind, Is.EqualTo(JsonValueKind.Array));
        });
        var descriptors = root.GetProperty("manifests").EnumerateArray().ToDictionary(d => d.GetProperty("digest").GetString()!, d => d.Clone());
        return (descriptors, ResponseAssert.Header(response, "OCI-Filters-Applied"));
    }

    /// <summary>Pushes (by digest) an artifact whose subject is <paramref name="subject"/>; its empty config is pushed first.</summary>
    private async Task<TestManifest> PushArtifactAsync(string repository, TestManifest subject, string artifactType,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var config = await Registry.PushBlobAsync(repository, TestBlob.Text("{}"));
        return await Registry.PushManifestAsync(repository, Manifests.Artifact(Manifests.Descriptor(subject), artifactType, config, annotations: annotations));
    }

    private static void AssertDescriptor(JsonElement descriptor, TestManifest manifest, string artifactType, IReadOnlyDictionary<string, string>? annotations)
    {
        Assert.Multiple(() =>
        {
            Assert.That(descriptor.GetProperty("mediaType").GetString(), Is.EqualTo(manifest.MediaType));
            Assert.That(descriptor.GetProperty("size").GetInt64(), Is.EqualTo(manifest.Size));
            Assert.That(descriptor.GetProperty("artifactType").GetString(), Is.EqualTo(artifactType));
            var listed = descriptor.TryGetProperty("annotations", out var a)
                ? a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString())
                : [];
            Assert.That(listed, Is.EquivalentTo(annotations ?? new Dictionary<string, string>()), "annotations of the referrer");
        });
    }
}
