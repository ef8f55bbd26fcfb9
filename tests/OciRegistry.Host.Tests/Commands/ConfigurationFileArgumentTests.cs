using OciRegistry.Host.Commands;

namespace OciRegistry.Host.Tests.Commands;

internal sealed class ConfigurationFileArgumentTests
{
    [TestCase(new[] { "config.yml" }, "config.yml", new string[0])]
    [TestCase(new[] { "/etc/docker/registry/config.yml", "--OciRegistry:Http:Secret=s" }, "/etc/docker/registry/config.yml", new[] { "--OciRegistry:Http:Secret=s" })]
    [TestCase(new[] { "--contentRoot", "/app", "config.yml" }, "config.yml", new[] { "--contentRoot", "/app" })]
    [TestCase(new[] { "--urls=http://127.0.0.1:1", "config.yml", "--urls", "x" }, "config.yml", new[] { "--urls=http://127.0.0.1:1", "--urls", "x" })]
    public void File_is_the_argument_that_is_no_setting(string[] arguments, string file, string[] rest)
    {
        var (foundFile, configurationArguments) = ConfigurationFileArgument.Split(arguments);

        Assert.Multiple(() =>
        {
            Assert.That(foundFile, Is.EqualTo(file));
            Assert.That(configurationArguments, Is.EqualTo(rest));
        });
    }

    [Test]
    public void Two_files_are_refused()
    {
        Assert.Throws<FormatException>(() => ConfigurationFileArgument.Split(["a.yml", "b.yml"]));
    }
}
