using System.IO.Compression;
using System.Xml.Linq;

namespace OciRegistry.Integration.Tests.Packaging;

/// <summary>What a <c>.nupkg</c> says about itself: its <c>.nuspec</c> and the files it holds.</summary>
internal sealed class PackageManifest
{
    private readonly XElement metadata;
    private readonly XNamespace ns;

    private PackageManifest(XDocument nuspec, IReadOnlyList<string> files)
    {
        metadata = nuspec.Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        ns = metadata.Name.Namespace;
        Files = files;
    }

    /// <summary>The paths of the files in the package, as stored (<c>lib/net10.0/X.dll</c>).</summary>
    public IReadOnlyList<string> Files { get; }

    public string? Id => Value("id");

    public string? Version => Value("version");

    public string? Description => Value("description");

    public string? Tags => Value("tags");

    public string? ProjectUrl => Value("projectUrl");

    public string? Readme => Value("readme");

    public string? Authors => Value("authors");

    /// <summary>The licence expression (<c>&lt;license type="expression"&gt;</c>), or null when there is none.</summary>
    public string? LicenseExpression =>
        metadata.Element(ns + "license") is { } license && (string?)license.Attribute("type") == "expression" ? license.Value : null;

    /// <summary>The package dependencies of every target framework, as (id, version range).</summary>
    public IReadOnlyList<(string Id, string Version)> Dependencies =>
        metadata.Descendants(ns + "dependency")
            .Select(dependency => ((string)dependency.Attribute("id")!, (string)dependency.Attribute("version")!))
            .ToList();

    /// <summary>The shared frameworks the package needs (<c>Microsoft.AspNetCore.App</c>).</summary>
    public IReadOnlyList<string> FrameworkReferences =>
        metadata.Descendants(ns + "frameworkReference").Select(reference => (string)reference.Attribute("name")!).ToList();

    public static PackageManifest Read(string packagePath)
    {
        using var package = ZipFile.OpenRead(packagePath);
        var nuspecEntry = package.Entries.Single(entry => !entry.FullName.Contains('/', StringComparison.Ordinal) && entry.Name.EndsWith(".nuspec", StringComparison.Ordinal));
        using var nuspecStream = nuspecEntry.Open();
        var nuspec = XDocument.Load(nuspecStream);
        return new PackageManifest(nuspec, package.Entries.Select(entry => entry.FullName).ToList());
    }

    /// <summary>The text of one file in a package (a zip archive), or null when it holds no such file.</summary>
    public static string? ReadFile(string packagePath, string path)
    {
        using var package = ZipFile.OpenRead(packagePath);
        var entry = package.GetEntry(path);
        if (entry is null)
        {
            return null;
        }

        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private string? Value(string name) => metadata.Element(ns + name)?.Value;
}
