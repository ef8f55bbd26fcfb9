using OciRegistry.Content;

namespace OciRegistry.Tests.Content;

public class RepositoryNameTests
{
    [TestCase("library/ubuntu")]
    [TestCase("a")]
    [TestCase("a/b/c/d")]
    [TestCase("my-org/my__app")]
    [TestCase("x.y_z--w/v1")]
    public void Names_in_the_grammar_are_accepted(string name) =>
        Assert.That(RepositoryName.TryParse(name, out var parsed) && parsed.Value == name, Is.True);

    [TestCase("Library/ubuntu", Description = "uppercase")]
    [TestCase("a//b", Description = "empty component")]
    [TestCase("/a", Description = "leading slash")]
    [TestCase("a/", Description = "trailing slash")]
    [TestCase("-a", Description = "leading separator")]
    [TestCase("a___b", Description = "three underscores")]
    [TestCase("a/../b", Description = "dot-dot component")]
    [TestCase("_catalog", Description = "leading underscore")]
    [TestCase("a b", Description = "space")]
    [TestCase("", Description = "empty")]
    public void Names_outside_the_grammar_are_refused(string name) =>
        Assert.That(RepositoryName.TryParse(name, out _), Is.False);

    [Test]
    public void Names_longer_than_255_characters_are_refused() =>
        Assert.That(RepositoryName.TryParse(new string('a', 256), out _), Is.False);
}
