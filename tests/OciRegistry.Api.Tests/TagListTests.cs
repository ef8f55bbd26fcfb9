using Microsoft.AspNetCore.WebUtilities;

namespace OciRegistry.Api.Tests;

/// <summary><c>GET /v2/&lt;name&gt;/tags/list[?n=&amp;last=]</c>.</summary>
public sealed class TagListTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Tags_are_listed_once_each_in_lexical_order()
    {
        var repository = NewRepository();
        var manifest = await Registry.PushImageAsync(repository);
        // Tags on which byte order and the spec's "case-insensitive alphanumeric order" agree.
        foreach (var tag in new[] { "zeta", "alpha", "beta", "1.0", "alpha.1", "alpha-2" })
        {
            await Registry.PushManifestAsync(repository, manifest, tag);
        }

        await Registry.PushManifestAsync(repository, manifest, "alpha");

        using var response = await Registry.GetAsync(RegistryClient.TagsPath(repository));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(await RegistryClient.ReadListAsync(response, "tags"), Is.EqualTo(new[] { "1.0", "alpha", "alpha-2", "alpha.1", "beta", "zeta" }));
            Assert.That(LinkHeader.Next(response), Is.Null);
        });
    }

    [Test]
    public async Task Listing_names_the_repository()
    {
        var repository = NewRepository();
        await Registry.PushImageAsync(repository, "latest");

        using var response = await Registry.GetAsync(RegistryClient.TagsPath(repository));

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.That(document.RootElement.GetProperty("name").GetString(), Is.EqualTo(repository));
    }

    [Test]
    public async Task Pagination_with_n_follows_next_Links_to_the_last_page_which_has_none()
    {
        var repository = NewRepository();
        await PushTagsAsync(repository, "e", "d", "c", "b", "a");

        var pages = new List<List<string>>();
        var url = $"{RegistryClient.TagsPath(repository)}?n=2";
        while (url is not null)
        {
            using var response = await Registry.GetAsync(url);
            await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
            var page = await RegistryClient.ReadListAsync(response, "tags");
            pages.Add(page);
            url = LinkHeader.Next(response);
            if (url is not null)
            {
                AssertNextLink(Registry.Resolve(url), RegistryClient.TagsPath(repository), n: "2", last: page[^1]);
            }

            Assert.That(pages, Has.Count.LessThanOrEqualTo(3), "the listing must end");
        }

        Assert.That(pages, Is.EqualTo(new[] { new[] { "a", "b" }, new[] { "c", "d" }, new[] { "e" } }));
    }

    [Test]
    public async Task Last_lists_the_tags_after_the_given_one()
    {
        var repository = NewRepository();
        await PushTagsAsync(repository, "a", "b", "c", "d");

        using var after = await Registry.GetAsync($"{RegistryClient.TagsPath(repository)}?last=b");
        using var window = await Registry.GetAsync($"{RegistryClient.TagsPath(repository)}?n=1&last=b");

        await ResponseAssert.StatusAsync(after, HttpStatusCode.OK);
        await ResponseAssert.StatusAsync(window, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(await RegistryClient.ReadListAsync(after, "tags"), Is.EqualTo(new[] { "c", "d" }));
            Assert.That(await RegistryClient.ReadListAsync(window, "tags"), Is.EqualTo(new[] { "c" }));
        });
    }

    [TestCase(2)]
    [TestCase(1000)]
    public async Task Page_that_reaches_the_last_tag_has_no_next_Link(int n)
    {
        var repository = NewRepository();
        await PushTagsAsync(repository, "a", "b");

        using var response = await Registry.GetAsync($"{RegistryClient.TagsPath(repository)}?n={n}");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(await RegistryClient.ReadListAsync(response, "tags"), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(LinkHeader.Next(response), Is.Null);
        });
    }

    [Test]
    public async Task N_of_zero_returns_an_empty_list_without_a_Link()
    {
        var repository = NewRepository();
        await PushTagsAsync(repository, "a", "b");

        using var response = await Registry.GetAsync($"{RegistryClient.TagsPath(repository)}?n=0");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(await RegistryClient.ReadListAsync(response, "tags"), Is.Empty);
            Assert.That(LinkHeader.Next(response), Is.Null);
        });
    }

    [TestCase("abc")]
    [TestCase("-1")]
    [TestCase("1.5")]
    [TestCase("99999999999999999999")]
    public async Task Invalid_n_is_400_PAGINATION_NUMBER_INVALID(string n)
    {
        var repository = NewRepository();
        await PushTagsAsync(repository, "a");

        using var response = await Registry.GetAsync($"{RegistryClient.TagsPath(repository)}?n={n}");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
    }

    [Test]
    public async Task Unknown_repository_is_404_NAME_UNKNOWN()
    {
        using var response = await Registry.GetAsync(RegistryClient.TagsPath(NewRepository()));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    /// <summary>Asserts a next link points at <paramref name="path"/> with the request's n and the page's last entry.</summary>
    internal static void AssertNextLink(Uri link, string path, string n, string last)
    {
        var query = QueryHelpers.ParseQuery(link.Query);
        Assert.Multiple(() =>
        {
            Assert.That(link.AbsolutePath, Is.EqualTo(path), link.ToString());
            Assert.That(query["n"].ToString(), Is.EqualTo(n), link.ToString());
            Assert.That(query["last"].ToString(), Is.EqualTo(last), link.ToString());
        });
    }

    private async Task PushTagsAsync(string repository, params string[] tags)
    {
        var manifest = await Registry.PushImageAsync(repository);
        foreach (var tag in tags)
        {
            await Registry.PushManifestAsync(repository, manifest, tag);
        }
    }
}
