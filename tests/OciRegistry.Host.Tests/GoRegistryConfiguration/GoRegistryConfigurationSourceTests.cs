using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OciRegistry.Host.GoRegistryConfiguration;

namespace OciRegistry.Host.Tests.GoRegistryConfiguration;

/// <summary>The file as a configuration source: what it overrides, what overrides it, and how it fails.</summary>
internal sealed class GoRegistryConfigurationSourceTests
{
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("goregistry-config-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void File_wins_over_appsettings_and_command_line_wins_over_the_file()
    {
        var path = Write(GoRegistryConfigurationMapperTests.ClassicConfig);
        var builder = WebApplication.CreateBuilder(["--OciRegistry:Storage:DeleteEnabled=true"]);

        var added = builder.TryAddGoRegistryConfiguration(path, out var source);

        Assert.Multiple(() =>
        {
            Assert.That(added, Is.True);
            Assert.That(source!.Mapping, Is.Not.Null);
            Assert.That(builder.Configuration["OciRegistry:Storage:FileSystem:RootDirectory"], Is.EqualTo("/var/lib/registry"), "over appsettings.json's registry-data");
            Assert.That(builder.Configuration["urls"], Is.EqualTo("http://*:5000"));
            Assert.That(builder.Configuration["OciRegistry:Storage:DeleteEnabled"], Is.EqualTo("true"), "the command line wins");
        });
    }

    [Test]
    public void Errors_are_all_listed_and_the_file_is_refused()
    {
        var path = Write("version: 0.1\nstorage:\n  gcs:\n    bucket: b\nhttp:\n  tls:\n    certificate: c\n");
        var builder = WebApplication.CreateBuilder();
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        bool added;
        try
        {
            added = builder.TryAddGoRegistryConfiguration(path, out _);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Multiple(() =>
        {
            Assert.That(added, Is.False);
            Assert.That(error.ToString(), Does.Contain("storage.gcs (config.yml line 3)").And.Contain("http.tls.key (config.yml line 6)"));
        });
    }

    [Test]
    public void Missing_file_is_named()
    {
        var provider = new GoRegistryConfigurationSource(Path.Combine(directory, "absent.yml"), () => []).Build(new ConfigurationBuilder());

        var missing = Assert.Throws<GoRegistryConfigurationException>(provider.Load);

        Assert.That(missing!.Message, Does.Contain("absent.yml"));
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, "config.yml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
