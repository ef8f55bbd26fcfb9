using System.Text.RegularExpressions;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Clients;

/// <summary>
/// The docker CLI against the Docker engine named by <c>DOCKER_HOST</c> (the private dockerd that
/// <c>eng/services/dockerd.sh</c> starts). Each instance has its own client config folder, so manifest lists it
/// creates and anything it might store stay in the test's folder. Builds use the classic builder: the engine
/// has no BuildKit.
/// </summary>
internal sealed partial class DockerCli
{
    private const string StartHint =
        "Start the tests' own engine with: eng/services/dockerd.sh start && eval \"$(eng/services/dockerd.sh env)\" " +
        "(eng/test.sh does this before the tests).";

    private readonly Dictionary<string, string?> environment;

    /// <param name="configDirectory">A folder for the client's config (created here).</param>
    public DockerCli(string configDirectory)
    {
        Directory.CreateDirectory(configDirectory);
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), "{}");
        environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = configDirectory,
            ["DOCKER_BUILDKIT"] = "0",
            ["DOCKER_CLI_HINTS"] = "false",
        };
    }

    /// <summary>
    /// Ends the test (failed in CI, ignored elsewhere) unless the docker CLI is installed and the engine at
    /// <c>DOCKER_HOST</c> answers.
    /// </summary>
    public async Task RequireEngineAsync(CancellationToken cancellationToken)
    {
        ClientPrerequisite.RequireProgram("docker");
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(host))
        {
            ClientPrerequisite.Missing("No Docker engine for the tests: DOCKER_HOST is not set", StartHint);
        }

        var version = await ExternalProgram.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"], environment, cancellationToken);
        if (!version.Succeeded)
        {
            ClientPrerequisite.Missing($"The Docker engine at DOCKER_HOST={host} does not answer: {version}", StartHint);
        }
    }

    /// <summary><c>docker login</c> to a registry (<c>HOST:PORT</c>); reports how it ended without throwing.</summary>
    public Task<ProgramResult> TryLoginAsync(string registry, string user, string password, CancellationToken cancellationToken) =>
        ExternalProgram.RunAsync("docker", ["login", "--username", user, "--password", password, registry], environment, cancellationToken);

    public Task LogoutAsync(string registry, CancellationToken cancellationToken) =>
        RunAsync(["logout", registry], cancellationToken);

    /// <summary><c>docker push</c> that may fail: reports how it ended without throwing.</summary>
    public Task<ProgramResult> TryPushAsync(string image, CancellationToken cancellationToken) =>
        ExternalProgram.RunAsync("docker", ["push", image], environment, cancellationToken);

    public Task LoadAsync(string archive, CancellationToken cancellationToken) =>
        RunAsync(["load", "--input", archive], cancellationToken);

    public Task TagAsync(string image, string newName, CancellationToken cancellationToken) =>
        RunAsync(["tag", image, newName], cancellationToken);

    /// <summary>Pushes an image and returns the manifest digest docker reports.</summary>
    public async Task<string> PushAsync(string image, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["push", image], cancellationToken);
        return ParseDigest(PushedDigest(), result);
    }

    /// <summary>Pulls an image (one platform of an index, when given) and returns the digest docker reports.</summary>
    public async Task<string> PullAsync(string image, CancellationToken cancellationToken, string? platform = null)
    {
        string[] platformOption = platform is null ? [] : ["--platform", platform];
        var result = await RunAsync(["pull", .. platformOption, image], cancellationToken);
        return ParseDigest(PulledDigest(), result);
    }

    /// <summary>The image's id: the digest of its config.</summary>
    public Task<string> ImageIdAsync(string image, CancellationToken cancellationToken) =>
        InspectAsync(image, "{{.Id}}", cancellationToken);

    /// <summary><c>docker image inspect</c> with a Go template.</summary>
    public async Task<string> InspectAsync(string image, string format, CancellationToken cancellationToken) =>
        (await RunAsync(["image", "inspect", "--format", format, image], cancellationToken)).StandardOutputText.Trim();

    /// <summary>Whether the engine has the image (a name, name@digest or id).</summary>
    public async Task<bool> HasImageAsync(string image, CancellationToken cancellationToken) =>
        (await ExternalProgram.RunAsync("docker", ["image", "inspect", image], environment, cancellationToken)).Succeeded;

    /// <summary>Removes images by name or id (untags names; deletes the image when no name is left).</summary>
    public Task RemoveImagesAsync(CancellationToken cancellationToken, params string[] images) =>
        RunAsync(["rmi", .. images], cancellationToken);

    /// <summary>
    /// Removes every image that has a name on the given registry (<c>HOST:PORT</c>), with all its other names, so
    /// images of one test do not pile up in the engine; errors are ignored.
    /// </summary>
    public async Task RemoveImagesOfRegistryAsync(string registry, CancellationToken cancellationToken)
    {
        var listing = await ExternalProgram.RunAsync(
            "docker", ["image", "ls", "--no-trunc", "--format", "{{.ID}} {{.Repository}}"], environment, cancellationToken);
        var ids = listing.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length == 2 && fields[1].StartsWith(registry + "/", StringComparison.Ordinal))
            .Select(fields => fields[0])
            .Distinct()
            .ToList();
        if (ids.Count > 0)
        {
            await ExternalProgram.RunAsync("docker", ["rmi", "--force", .. ids], environment, cancellationToken);
        }
    }

    /// <summary>
    /// The content of a file in an image, read through a container that is created, never started, and removed.
    /// </summary>
    public async Task<byte[]?> ReadFileAsync(string image, string path, CancellationToken cancellationToken)
    {
        var container = (await RunAsync(["create", image], cancellationToken)).StandardOutputText.Trim();
        try
        {
            var archive = await RunAsync(["cp", $"{container}:{path}", "-"], cancellationToken);
            using var stream = new MemoryStream(archive.StandardOutput);
            return await LayerArchive.ReadFileAsync(stream, Path.GetFileName(path), cancellationToken);
        }
        finally
        {
            await ExternalProgram.RunAsync("docker", ["rm", container], environment, cancellationToken);
        }
    }

    /// <summary><c>docker build</c> (classic builder) of a context folder with its Dockerfile.</summary>
    public Task BuildAsync(string contextDirectory, string tag, CancellationToken cancellationToken) =>
        RunAsync(["build", "--tag", tag, contextDirectory], cancellationToken);

    /// <summary><c>docker manifest create --insecure</c>: a manifest list of images already in the registry.</summary>
    public Task CreateManifestListAsync(string list, IEnumerable<string> images, CancellationToken cancellationToken) =>
        RunAsync(["manifest", "create", "--insecure", list, .. images], cancellationToken);

    /// <summary><c>docker manifest push --insecure</c>; returns the digest of the list it pushed.</summary>
    public async Task<string> PushManifestListAsync(string list, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["manifest", "push", "--insecure", list], cancellationToken);
        // The last line is the list's digest; lines before it name the images pushed by digest.
        return result.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
    }

    private Task<ProgramResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalProgram.RunCheckedAsync("docker", arguments, environment, cancellationToken);

    private static string ParseDigest(Regex pattern, ProgramResult result)
    {
        var match = pattern.Match(result.StandardOutputText);
        return match.Success
            ? match.Groups["digest"].Value
            : throw new InvalidOperationException($"No digest in the output of {result}");
    }

    // "v1: digest: sha256:… size: 523"
    [GeneratedRegex(@"digest: (?<digest>sha256:[0-9a-f]{64}) size: \d+")]
    private static partial Regex PushedDigest();

    // "Digest: sha256:…"
    [GeneratedRegex(@"^Digest: (?<digest>sha256:[0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex PulledDigest();
}
