using OciRegistry.Engine;

namespace OciRegistry.Tests.Engine;

public class PageTests
{
    private static List<string> Names() => ["c", "a", "b", "B", "d"];

    [Test]
    public void Items_are_in_ordinal_order() =>
        Assert.That(Page.From(Names(), null, null).Items, Is.EqualTo(new[] { "B", "a", "b", "c", "d" }));

    [Test]
    public void A_page_starts_after_last_and_says_whether_more_follow()
    {
        var page = Page.From(Names(), 2, "a");
        Assert.Multiple(() =>
        {
            Assert.That(page.Items, Is.EqualTo(new[] { "b", "c" }));
            Assert.That(page.HasMore, Is.True);
        });
    }

    [Test]
    public void Last_need_not_be_an_existing_item()
    {
        var page = Page.From(Names(), 10, "bb");
        Assert.Multiple(() =>
        {
            Assert.That(page.Items, Is.EqualTo(new[] { "c", "d" }));
            Assert.That(page.HasMore, Is.False);
        });
    }

    [Test]
    public void Zero_items_requested_gives_an_empty_page() =>
        Assert.That(Page.From(Names(), 0, null).Items, Is.Empty);
}
