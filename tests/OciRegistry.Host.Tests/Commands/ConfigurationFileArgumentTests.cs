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
    public void Without_a_file_argument_REGISTRY_CONFIGURATION_PATH_names_it()
    {
        var previous = Environment.GetEnvironmentVariable("REGISTRY_CONFIGURATION_PATH");
        Environment.SetEnvironmentVariable("REGISTRY_CONFIGURATION_PATH", "/etc/docker/registry/config.yml");
        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(ConfigurationFileArgument.Split(["--urls", "x"]).File, Is.EqualTo("/etc/docker/registry/config.yml"));
                Assert.That(ConfigurationFileArgument.Split(["mine.yml"]).File, Is.EqualTo("mine.yml"), "the argument wins");
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("REGISTRY_CONFIGURATION_PATH", previous);
        }
    }

    [Test]
    public void Serve_takes_the_file_and_other_command_lines_stay_dotnet_configuration()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ServeCommand.TryParse(["serve", "config.yml", "--Key=value"], out var file, out var rest), Is.True);
            Assert.That(file, Is.EqualTo("config.yml"));
            Assert.That(rest, Is.EqualTo(new[] { "--Key=value" }));
            Assert.That(ServeCommand.TryParse(["--urls", "http://127.0.0.1:1", "config.yml"], out var noFile, out var unchanged), Is.True);
            Assert.That(noFile, Is.Null, "without the word serve, arguments are .NET configuration only");
            Assert.That(unchanged, Is.EqualTo(new[] { "--urls", "http://127.0.0.1:1", "config.yml" }));
        });
    }

    [Test]
    public void Two_files_are_refused()
    {
        Assert.Throws<FormatException>(() => ConfigurationFileArgument.Split(["a.yml", "b.yml"]));
    }
}
