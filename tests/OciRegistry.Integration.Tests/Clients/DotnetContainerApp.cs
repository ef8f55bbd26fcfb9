using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// A tiny console app, written into a folder of the test (outside the repository, so none of its build rules
/// apply), that the .NET SDK publishes as a container image straight to a registry (<c>/t:PublishContainer</c>).
/// </summary>
internal sealed class DotnetContainerApp
{
    private const string ProjectFile = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <EnableSdkContainerSupport>true</EnableSdkContainerSupport>
            <!-- framework-dependent, no apphost: nothing beyond the SDK is restored -->
            <UseAppHost>false</UseAppHost>
          </PropertyGroup>
        </Project>
        """;

    private readonly string directory;

    private DotnetContainerApp(string directory, string name)
    {
        this.directory = directory;
        Name = name;
    }

    /// <summary>The project's name: its assembly is <c>{Name}.dll</c>.</summary>
    public string Name { get; }

    /// <summary>The folder <c>dotnet publish</c> wrote the app to, the content of its image layer.</summary>
    public string PublishDirectory => Path.Combine(directory, "bin", "Release", "net10.0", "linux-x64", "publish");

    /// <summary>Writes the project and its Program.cs, which prints <paramref name="greeting"/>.</summary>
    public static DotnetContainerApp Create(string directory, string name, string greeting)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), ProjectFile);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), $"System.Console.WriteLine(\"{greeting}\");\n");
        return new DotnetContainerApp(directory, name);
    }

    /// <summary>
    /// Publishes the app for linux-x64 as an image on <paramref name="baseImage"/> and pushes it to
    /// <c>{registry}/{repository}:{tag}</c>; the registry is plain HTTP, hence DOTNET_CONTAINER_INSECURE_REGISTRIES.
    /// </summary>
    public Task PublishContainerAsync(string registry, string baseImage, string repository, string tag, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = registry };
        return DotnetCli.RunCheckedAsync(
        [
            "publish", Path.Combine(directory, $"{Name}.csproj"),
            "--configuration", "Release", "--os", "linux", "--arch", "x64",
            // No compiler or MSBuild servers left running after the test.
            "--disable-build-servers",
            "/t:PublishContainer",
            $"-p:ContainerBaseImage={baseImage}",
            $"-p:ContainerRegistry={registry}",
            $"-p:ContainerRepository={repository}",
            $"-p:ContainerImageTag={tag}",
        ], environment, cancellationToken);
    }
}
