using OciRegistry.Host.GoRegistryConfiguration;

namespace OciRegistry.Host.Tests.GoRegistryConfiguration;

internal sealed class GoDurationTests
{
    [TestCase("168h", 168 * 3600.0)]
    [TestCase("1h30m", 5400.0)]
    [TestCase("10s", 10.0)]
    [TestCase("1.5s", 1.5)]
    [TestCase("300ms", 0.3)]
    [TestCase("0", 0.0)]
    [TestCase("2000000000", 2.0)]
    public void Go_durations_parse(string text, double seconds)
    {
        Assert.Multiple(() =>
        {
            Assert.That(GoDuration.TryParse(text, out var value), Is.True);
            Assert.That(value.TotalSeconds, Is.EqualTo(seconds).Within(1e-9));
        });
    }

    [TestCase("")]
    [TestCase("h")]
    [TestCase("10 seconds")]
    [TestCase("10d")]
    public void Other_text_is_not_a_duration(string text)
    {
        Assert.That(GoDuration.TryParse(text, out _), Is.False);
    }
}
