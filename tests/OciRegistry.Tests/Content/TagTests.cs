using OciRegistry.Content;

namespace OciRegistry.Tests.Content;

public class TagTests
{
    [TestCase("latest")]
    [TestCase("v1.2.3-rc_1")]
    [TestCase("_x")]
    [TestCase("UPPER")]
    public void Tags_in_the_grammar_are_accepted(string tag) => Assert.That(Tag.TryParse(tag, out _), Is.True);

    [TestCase(".hidden")]
    [TestCase("-x")]
    [TestCase("a/b")]
    [TestCase("a:b")]
    [TestCase("")]
    public void Tags_outside_the_grammar_are_refused(string tag) => Assert.That(Tag.TryParse(tag, out _), Is.False);

    [Test]
    public void Tags_are_at_most_128_characters()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Tag.TryParse(new string('a', 128), out _), Is.True);
            Assert.That(Tag.TryParse(new string('a', 129), out _), Is.False);
        });
    }
}
