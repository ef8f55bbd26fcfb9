namespace OciRegistry.Api.Tests;

/// <summary><c>GET /v2/_catalog[?n=&amp;last=]</c>. This fixture's host holds only the repositories its tests push.</summary>
public sealed class CatalogTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Catalog_lists_nested_repositories_once_each_in_lexical_order()
    {
        var prefix = $"catalog{Guid.NewGuid():N}";
        string[] names = [$"{prefix}/b", $"{prefix}/a/b/c", $"{prefix}/a", $"{prefix}/a-z", $"{prefix}/a/b"];
        foreach (var name in names)
        {
            await Registry.PushImageAsync(name, "one");
            await Registry.PushImageAsync(name, "two");
        }

        var all = await ListAllAsync("/v2/_catalog");

        Assert.Multiple(() =>
        {
            Assert.That(all.Where(n => n.StartsWith(prefix + "/", StringComparison.Ordinal)),
                Is.EqualTo(new[] { $"{prefix}/a", $"{prefix}/a-z", $"{prefix}/a/b", $"{prefix}/a/b/c", $"{prefix}/b" }));
            Assert.That(all, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
            Assert.That(all, Is.Unique);
        });
    }

    [Test]
    public async Task Catalog_paginates_with_n_and_next_Links_to_the_whole_list()
    {
        for (var i = 0; i < 5; i++)
        {
            await Registry.PushImageAsync(NewRepository("paged"), "latest");
        }

        var whole = await ListAllAsync("/v2/_catalog");
        var paged = new List<string>();
        var url = "/v2/_catalog?n=2";
        while (url is not null)
        {
            using var response = await Registry.GetAsync(url);
            await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
            var page = await RegistryClient.ReadListAsync(response, "repositories");
            Assert.That(page, Has.Count.InRange(1, 2));
            paged.AddRange(page);
            url = LinkHeader.Next(response);
            if (url is not null)
            {
                TagListTests.AssertNextLink(Registry.Resolve(url), "/v2/_catalog", n: "2", last: page[^1]);
            }
            else
            {
                Assert.That(paged, Has.Count.EqualTo(whole.Count), "only the last page may lack a next Link");
            }
        }

        Assert.That(paged, Is.EqualTo(whole));
    }

    [Test]
    public async Task Catalog_with_last_starts_after_the_given_repository()
    {
        var prefix = $"after{Guid.NewGuid():N}";
        foreach (var name in new[] { $"{prefix}/a", $"{prefix}/b", $"{prefix}/c" })
        {
            await Registry.PushImageAsync(name, "latest");
        }

        using var response = await Registry.GetAsync($"/v2/_catalog?n=2&last={prefix}/a");

        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.That(await RegistryClient.ReadListAsync(response, "repositories"), Is.EqualTo(new[] { $"{prefix}/b", $"{prefix}/c" }));
    }

    [TestCase("abc")]
    [TestCase("-1")]
    public async Task Catalog_with_invalid_n_is_400_PAGINATION_NUMBER_INVALID(string n)
    {
        using var response = await Registry.GetAsync($"/v2/_catalog?n={n}");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
    }

    private async Task<List<string>> ListAllAsync(string url)
    {
        using var response = await Registry.GetAsync(url);
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.That(LinkHeader.Next(response), Is.Null, "an unpaginated catalog has no next page");
        return await RegistryClient.ReadListAsync(response, "repositories");
    }
}
