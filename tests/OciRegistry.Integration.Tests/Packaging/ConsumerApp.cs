using System.Diagnostics;
using System.Security;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Packaging;

/// <summary>
/// An application outside this repository that uses the registry the way a user's would: made by
/// <c>dotnet new web</c> in a folder of the test, given the packages with <c>dotnet add package</c>, and the registry
/// with the three lines of the README. Its NuGet.config takes <c>OciRegistry.*</c> only from the test's feed
/// (package source mapping) and everything else from the machine's own sources; its packages are restored into a
/// folder of its own, so no cache outside the test can hide a packaging mistake.
/// </summary>
internal sealed class ConsumerApp
{
    public const string Name = "ConsumerApp";

    /// <summary>The lines the README's Embedding section adds to a web app's Program.cs: before Build()...</summary>
    public const string ServiceLines = """
        builder.Services.AddOciRegistry(builder.Configuration.GetSection("OciRegistry"))
                        .AddFileSystemBlobStore(builder.Configuration.GetSection("OciRegistry:Storage:FileSystem"));
        """;

    /// <summary>... and after it.</summary>
    public const string MapLine = "app.MapOciRegistry();";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private readonly string directory;

    private ConsumerApp(string directory, string packagesDirectory)
    {
        this.directory = directory;
        PackagesDirectory = packagesDirectory;
    }

    /// <summary>The app's own NuGet packages folder (NUGET_PACKAGES while it is restored).</summary>
    public string PackagesDirectory { get; }

    /// <summary>The Program.cs the app runs.</summary>
    public string ProgramText => File.ReadAllText(Path.Combine(directory, "Program.cs"));

    /// <summary>
    /// Creates the app in <paramref name="directory"/>, references <paramref name="packageIds"/> from
    /// <paramref name="feed"/>, adds the registry to its Program.cs and builds it.
    /// </summary>
    public static async Task<ConsumerApp> CreateAndBuildAsync(
        string directory, PackageFeed feed, string version, IEnumerable<string> packageIds, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var app = new ConsumerApp(directory, Path.Combine(directory, "..", "consumer-packages"));
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = app.PackagesDirectory };

        // Asked before the app has a NuGet.config of its own: what the machine (user and system settings) uses.
        var machineSources = await ReadEnabledSourcesAsync(directory, cancellationToken);
        var machinePackages = await ReadGlobalPackagesFolderAsync(directory, cancellationToken);
        await DotnetCli.RunCheckedAsync(["new", "web", "--name", Name, "--output", directory, "--no-restore"], environment, cancellationToken);
        await File.WriteAllTextAsync(
            Path.Combine(directory, "NuGet.config"), NuGetConfig(feed.Directory, machineSources, machinePackages), cancellationToken);

        foreach (var id in packageIds)
        {
            await DotnetCli.RunCheckedAsync(
                ["add", Path.Combine(directory, $"{Name}.csproj"), "package", id, "--version", version, "--no-restore"],
                environment, cancellationToken);
        }

        app.AddRegistryToProgram();
        await DotnetCli.RunCheckedAsync(
            ["build", Path.Combine(directory, $"{Name}.csproj"), "--configuration", "Release", "--disable-build-servers"],
            environment, cancellationToken, BuildTimeout);
        return app;
    }

    /// <summary>Starts the built app on a loopback port, storing the registry in <paramref name="rootDirectory"/>.</summary>
    public Task<RegistryProcess> StartAsync(string rootDirectory, CancellationToken cancellationToken) =>
        RegistryProcess.StartAsync(Name, rootDirectory, port =>
        {
            var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = directory };
            foreach (var argument in new[]
                     {
                         Path.Combine(directory, "bin", "Release", "net10.0", $"{Name}.dll"),
                         "--urls", $"http://127.0.0.1:{port}",
                         $"--OciRegistry:Storage:FileSystem:RootDirectory={rootDirectory}",
                     })
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            return startInfo;
        }, cancellationToken);

    private void AddRegistryToProgram()
    {
        const string createBuilder = "var builder = WebApplication.CreateBuilder(args);";
        const string run = "app.Run();";
        var path = Path.Combine(directory, "Program.cs");
        var program = File.ReadAllText(path);
        Assert.That(program, Does.Contain(createBuilder).And.Contain(run), $"the Program.cs of `dotnet new web`:{Environment.NewLine}{program}");
        program = program
            .Replace(createBuilder, createBuilder + Environment.NewLine + ServiceLines, StringComparison.Ordinal)
            .Replace(run, MapLine + Environment.NewLine + run, StringComparison.Ordinal);
        File.WriteAllText(path, program);
    }

    private static string NuGetConfig(string feed, IReadOnlyList<string> machineSources, string machinePackages)
    {
        var sources = string.Join(Environment.NewLine, machineSources.Select((source, index) =>
            $"""    <add key="machine-{index}" value="{SecurityElement.Escape(source)}" />"""));
        var mappings = string.Join(Environment.NewLine, machineSources.Select((_, index) =>
            $"""    <packageSource key="machine-{index}"><package pattern="*" /></packageSource>"""));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ociregistry-feed" value="{SecurityElement.Escape(feed)}" />
            {sources}
              </packageSources>
              <!-- The most specific pattern wins: OciRegistry.* comes from the test's feed and from nowhere else. -->
              <packageSourceMapping>
                <packageSource key="ociregistry-feed"><package pattern="OciRegistry.*" /></packageSource>
            {mappings}
              </packageSourceMapping>
              <!-- Public packages the machine already has are read in place, not downloaded again. -->
              <fallbackPackageFolders>
                <add key="machine" value="{SecurityElement.Escape(machinePackages)}" />
              </fallbackPackageFolders>
            </configuration>
            """;
    }

    // `dotnet nuget list source --format short` prints one "E <url>" line per enabled source ("D" when disabled).
    private static async Task<IReadOnlyList<string>> ReadEnabledSourcesAsync(string directory, CancellationToken cancellationToken)
    {
        var result = await DotnetCli.RunCheckedAsync(
            ["nuget", "list", "source", "--format", "short"], environment: null, cancellationToken, workingDirectory: directory);
        var sources = result.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .ToList();
        Assert.That(sources, Is.Not.Empty, $"the machine's enabled NuGet sources ({directory}): {result}");
        return sources;
    }

    private static async Task<string> ReadGlobalPackagesFolderAsync(string directory, CancellationToken cancellationToken)
    {
        // "global-packages: /root/.nuget/packages/"
        var result = await DotnetCli.RunCheckedAsync(
            ["nuget", "locals", "global-packages", "--list"], environment: null, cancellationToken, workingDirectory: directory);
        var line = result.StandardOutputText.Trim();
        var separator = line.IndexOf(": ", StringComparison.Ordinal);
        Assert.That(separator, Is.Positive, $"the machine's global packages folder ({directory}): {result}");
        return line[(separator + 2)..].Trim();
    }
}
