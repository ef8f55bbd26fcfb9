using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Packaging;

/// <summary>
/// The public API of every package is written down in its PublicAPI.*.txt files, and a change to it must be written
/// there too: these tests build a copy of <c>OciRegistry.Abstractions</c> (with the repository's build rules) in
/// which a public type was added or made internal without touching those files, and expect the build to fail
/// naming it. The repository's own build proves the other half: its files match its code.
/// </summary>
[Category("Packaging")]
internal sealed class PublicApiTrackingTests : RealClientTest
{
    private const string Project = "OciRegistry.Abstractions";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [Test]
    [CancelAfter(900_000)]
    public async Task Public_type_added_without_an_api_entry_fails_the_build()
    {
        var copy = CopyProject();
        await File.WriteAllTextAsync(Path.Combine(copy, "src", Project, "Content", "AddedWithoutApiEntry.cs"), """
            namespace OciRegistry.Content;

            /// <summary>Public, but not in PublicAPI.Unshipped.txt.</summary>
            public static class AddedWithoutApiEntry
            {
            }
            """, Cancellation);

        var build = await BuildAsync(copy);

        Assert.Multiple(() =>
        {
            Assert.That(build.Succeeded, Is.False, "the build");
            Assert.That(build.StandardOutputText, Does.Match(@"error RS0016: Symbol 'OciRegistry\.Content\.AddedWithoutApiEntry' is not part of the declared public API"));
        });
    }

    [Test]
    [CancelAfter(900_000)]
    public async Task Public_type_made_internal_without_removing_its_api_entry_fails_the_build()
    {
        var copy = CopyProject();
        var file = Path.Combine(copy, "src", Project, "Content", "MediaTypes.cs");
        var source = await File.ReadAllTextAsync(file, Cancellation);
        Assert.That(source, Does.Contain("public static class MediaTypes"), "the type this test hides");
        await File.WriteAllTextAsync(file, source.Replace("public static class MediaTypes", "internal static class MediaTypes", StringComparison.Ordinal), Cancellation);

        var build = await BuildAsync(copy);

        Assert.Multiple(() =>
        {
            Assert.That(build.Succeeded, Is.False, "the build");
            Assert.That(build.StandardOutputText, Does.Match(@"error RS0017: Symbol 'OciRegistry\.Content\.MediaTypes' is part of the declared API"));
        });
    }

    /// <summary>Copies the project and the build rules above it (not bin/ or obj/) into the work folder.</summary>
    private string CopyProject()
    {
        var repository = OciRegistryHost.FindSolutionDirectory();
        var copy = Work.Combine("repository", create: true);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", Path.Combine("src", "Directory.Build.props") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
            File.Copy(Path.Combine(repository, file), Path.Combine(copy, file));
        }

        var source = Path.Combine(repository, "src", Project);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(copy, "src", Project, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static Task<ProgramResult> BuildAsync(string copy) =>
        DotnetCli.RunAsync(
            ["build", Path.Combine(copy, "src", Project, $"{Project}.csproj"), "--configuration", "Release", "--disable-build-servers"],
            environment: null, Cancellation, BuildTimeout, workingDirectory: copy);
}
