using OciRegistry.Api;
using OciRegistry.Engine;

namespace OciRegistry.Tests.Api;

internal sealed class RegistryRouteTests
{
    [TestCase("_catalog", RegistryRouteKind.Catalog, null, null)]
    [TestCase("a/b/tags/list", RegistryRouteKind.TagList, "a/b", null)]
    [TestCase("a/b/manifests/latest", RegistryRouteKind.Manifest, "a/b", "latest")]
    [TestCase("a/manifests/b/manifests/latest", RegistryRouteKind.Manifest, "a/manifests/b", "latest")]
    [TestCase("blobs/blobs/uploads/", RegistryRouteKind.UploadStart, "blobs", null)]
    [TestCase("x/blobs/uploads", RegistryRouteKind.UploadStart, "x", null)]
    [TestCase("x/blobs/uploads/123", RegistryRouteKind.Upload, "x", "123")]
    [TestCase("x/y/blobs/sha256:abc", RegistryRouteKind.Blob, "x/y", "sha256:abc")]
    [TestCase("x/referrers/sha256:abc", RegistryRouteKind.Referrers, "x", "sha256:abc")]
    public void Paths_are_matched_from_their_end_so_names_may_contain_keywords(string path, RegistryRouteKind kind, string? name, string? argument)
    {
        var route = RegistryRoute.Parse(path);
        Assert.That(route, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(route!.Kind, Is.EqualTo(kind));
            if (name is not null)
            {
                Assert.That(route.Name.Value, Is.EqualTo(name));
            }

            Assert.That(route.Argument, Is.EqualTo(argument));
        });
    }

    [TestCase("x/nothing")]
    [TestCase("x/manifests/a/b")]
    [TestCase("")]
    public void Other_paths_are_no_endpoint(string path) => Assert.That(RegistryRoute.Parse(path), Is.Null);

    [Test]
    public void A_name_outside_the_grammar_is_NAME_INVALID()
    {
        var error = Assert.Throws<OciRegistryException>(() => RegistryRoute.Parse("Bad/Name/tags/list"));
        Assert.That(error!.Code.Code, Is.EqualTo("NAME_INVALID"));
    }
}
