using System.Text;
using OciRegistry.Content;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>Reading what a stored manifest holds on to, conservatively, whatever its type.</summary>
public sealed class ManifestReferencesTests
{
    private static readonly string A = "sha256:" + new string('a', 64);
    private static readonly string B = "sha256:" + new string('b', 64);
    private static readonly string C = "sha256:" + new string('c', 64);

    [Test]
    public void Image_manifest_holds_its_config_and_layers_and_names_its_subject()
    {
        var references = Read($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{A}}}","size":1},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{B}}}","size":2}],
             "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{C}}}","size":3}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(references.Blobs.Select(digest => digest.ToString()), Is.EqualTo(new[] { A, B }));
            Assert.That(references.Children, Is.Empty);
            Assert.That(references.Subject.ToString(), Is.EqualTo(C), "the subject is named, not held");
        });
    }

    [Test]
    public void Index_holds_its_children()
    {
        var references = Read($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
             "manifests":[{"digest":"{{{A}}}","size":1},{"digest":"{{{B}}}","size":2}]}
            """);

        Assert.That(references.Children.Select(digest => digest.ToString()), Is.EqualTo(new[] { A, B }));
    }

    [Test]
    public void Schema_1_manifest_of_a_go_registry_holds_its_layers()
    {
        var references = Read($$$"""
            {"schemaVersion":1,"name":"x","tag":"y","fsLayers":[{"blobSum":"{{{A}}}"},{"blobSum":"{{{B}}}"}],"history":[]}
            """);

        Assert.That(references.Blobs.Select(digest => digest.ToString()), Is.EqualTo(new[] { A, B }));
    }

    [Test]
    public void Manifest_of_an_unknown_type_still_holds_what_its_descriptors_name()
    {
        var references = Read($$$"""
            {"mediaType":"application/vnd.example.unknown","blobs":[{"digest":"{{{A}}}"}],"layers":[{"digest":"{{{B}}}"}]}
            """);

        Assert.That(references.Blobs.Select(digest => digest.ToString()), Is.EquivalentTo(new[] { A, B }));
    }

    [TestCase("not json")]
    [TestCase("[1,2]")]
    public void Bytes_that_are_no_JSON_object_are_no_manifest(string content)
    {
        Assert.That(ManifestReferences.Read(Encoding.UTF8.GetBytes(content)), Is.Null);
    }

    private static ManifestReferences Read(string json) => ManifestReferences.Read(Encoding.UTF8.GetBytes(json)) ?? throw new AssertionException("not read");
}
