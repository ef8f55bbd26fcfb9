using System.Text.RegularExpressions;
using OciRegistry.Host.Hosting;
using YamlDotNet.RepresentationModel;

namespace OciRegistry.Host.Tests.CloudFoundry;

/// <summary>The Cloud Foundry manifests of the sample host are YAML with the keys <c>cf push</c> reads, and agree with the host.</summary>
public sealed partial class ManifestTests
{
    [TestCase("manifest.yml", "dotnet_core_buildpack")]
    [TestCase("manifest-binary.yml", "binary_buildpack")]
    public void Manifest_is_an_application_list_with_the_keys_Cloud_Foundry_expects(string file, string buildpack)
    {
        var application = SingleApplication(file);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar(application, "name"), Is.EqualTo("ociregistry"));
            Assert.That(Sequence(application, "buildpacks"), Is.EqualTo(new[] { buildpack }));
            Assert.That(Scalar(application, "stack"), Is.EqualTo("cflinuxfs4"), "OpenSSL 3 for the resumable SHA-256");
            Assert.That(Scalar(application, "memory"), Does.Match(SizePattern()));
            Assert.That(Scalar(application, "disk_quota"), Does.Match(SizePattern()));
            Assert.That(int.Parse(Scalar(application, "instances"), System.Globalization.CultureInfo.InvariantCulture), Is.Positive);
            Assert.That(Scalar(application, "health-check-type"), Is.EqualTo("http"));
            Assert.That(Scalar(application, "health-check-http-endpoint"), Is.EqualTo(HealthEndpoints.ReadyPath), "the host's readiness endpoint");
            Assert.That(Scalar(application, "path"), Is.Not.Empty);
            Assert.That(((YamlMappingNode)application.Children[new YamlScalarNode("env")]).Children, Is.Not.Empty);
        });
    }

    [Test]
    public void Source_manifest_pushes_the_repository_and_names_the_host_project_for_the_buildpack()
    {
        var root = RepositoryRoot();
        var application = SingleApplication("manifest.yml");
        var pushed = Path.GetFullPath(Path.Combine(HostDirectory(), Scalar(application, "path")));
        var deployment = File.ReadAllLines(Path.Combine(root, ".deployment"));

        Assert.Multiple(() =>
        {
            Assert.That(pushed, Is.EqualTo(root), "path: the repository root, which holds src/");
            Assert.That(deployment, Does.Contain("project = samples/OciRegistry.Host/OciRegistry.Host.csproj"));
            Assert.That(File.Exists(Path.Combine(root, "samples/OciRegistry.Host/OciRegistry.Host.csproj")), Is.True);
        });
    }

    [Test]
    public void Binary_manifest_starts_the_self_contained_host()
    {
        var application = SingleApplication("manifest-binary.yml");

        Assert.That(Scalar(application, "command"), Is.EqualTo("./OciRegistry.Host"));
    }

    private static YamlMappingNode SingleApplication(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(HostDirectory(), file)))
        {
            yaml.Load(reader);
        }

        Assert.That(yaml.Documents, Has.Count.EqualTo(1), $"{file}: one YAML document");
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var applications = (YamlSequenceNode)root.Children[new YamlScalarNode("applications")];
        Assert.That(applications.Children, Has.Count.EqualTo(1), $"{file}: one application");
        return (YamlMappingNode)applications.Children[0];
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar
            ? scalar.Value ?? string.Empty
            : throw new AssertionException($"the manifest's application has no '{key}'");

    private static List<string?> Sequence(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Cast<YamlScalarNode>().Select(item => item.Value)];

    private static string HostDirectory() => Path.Combine(RepositoryRoot(), "samples", "OciRegistry.Host");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OciRegistry.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds OciRegistry.slnx.");
    }

    // What cf accepts for memory and disk: a number and a unit (M, MB, G, GB).
    [GeneratedRegex("^[0-9]+(M|MB|G|GB)$")]
    private static partial Regex SizePattern();
}
