using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Packaging;

/// <summary>
/// A folder feed with the five packages of this repository (<c>.nupkg</c> and <c>.snupkg</c>), made by
/// <c>dotnet pack</c> of each project under <c>src/</c> as a user would. The version is the repository's
/// <c>VersionPrefix</c> with a suffix unique to this feed, so no package cache can serve an older build of it; the
/// build output goes to the feed's own artifacts folder, so packing never touches the test's own build.
/// </summary>
internal sealed class PackageFeed
{
    /// <summary>The package ids, which are the project names under <c>src/</c>.</summary>
    public static readonly IReadOnlyList<string> PackageIds =
    [
        "OciRegistry.Abstractions",
        "OciRegistry.Server",
        "OciRegistry.Storage.FileSystem",
        "OciRegistry.Storage.S3",
        "OciRegistry.Storage.Azure",
    ];

    // Packing builds every project; on a loaded 2-core machine that takes minutes, not seconds.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    private PackageFeed(string directory, string versionSuffix)
    {
        Directory = directory;
        VersionSuffix = versionSuffix;
    }

    /// <summary>The folder the packages are in: a NuGet source.</summary>
    public string Directory { get; }

    /// <summary>The pre-release label every package of this feed carries (<c>0.1.0-{VersionSuffix}</c>).</summary>
    public string VersionSuffix { get; }

    /// <summary>Packs every project under <c>src/</c> into <c>{workDirectory}/feed</c>.</summary>
    public static async Task<PackageFeed> PackAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var solutionDirectory = OciRegistryHost.FindSolutionDirectory();
        var feed = new PackageFeed(Path.Combine(workDirectory, "feed"), $"packaging-{Guid.NewGuid():N}"[..22]);
        var artifacts = Path.Combine(workDirectory, "artifacts");
        foreach (var id in PackageIds)
        {
            await DotnetCli.RunCheckedAsync(
            [
                "pack", Path.Combine(solutionDirectory, "src", id, $"{id}.csproj"),
                "--configuration", "Release",
                "--output", feed.Directory,
                "--artifacts-path", artifacts,
                $"-p:VersionSuffix={feed.VersionSuffix}",
                "--disable-build-servers",
            ], environment: null, cancellationToken, PackTimeout);
        }

        return feed;
    }

    /// <summary>The one <c>.nupkg</c> of <paramref name="id"/> in the feed.</summary>
    public string PackagePath(string id) => Single(id, "nupkg");

    /// <summary>The one symbol package (<c>.snupkg</c>) of <paramref name="id"/> in the feed.</summary>
    public string SymbolPackagePath(string id) => Single(id, "snupkg");

    private string Single(string id, string extension)
    {
        // "OciRegistry.Storage.S3.0.1.0-x.nupkg": the id is followed by the version, which starts with a digit.
        var files = System.IO.Directory.GetFiles(Directory, $"{id}.*.{extension}")
            .Where(file => char.IsAsciiDigit(Path.GetFileName(file)[(id.Length + 1)..][0]))
            .ToList();
        Assert.That(files, Has.Count.EqualTo(1), $"{extension} files of {id} in {Directory}");
        return files[0];
    }
}
