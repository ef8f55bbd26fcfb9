using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// A registry (our host or the Go registry) running as a real process on a loopback port, serving one root
/// directory. Its output is kept for diagnostics and written to the test's output when it is stopped.
/// </summary>
internal sealed class RegistryProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private const int StartAttempts = 3;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output;
    private readonly string? rootDirectory;
    private bool stopped;

    private RegistryProcess(string name, string storage, string? rootDirectory, int port, bool https, Process process, ConcurrentQueue<string> output)
    {
        Https = https;
        Name = name;
        Storage = storage;
        this.rootDirectory = rootDirectory;
        Port = port;
        this.process = process;
        this.output = output;
    }

    /// <summary>What runs here, for messages: "OciRegistry.Host" or "docker-registry".</summary>
    public string Name { get; }

    /// <summary>What the registry keeps its data in, for messages: its storage root folder, a bucket, a container.</summary>
    public string Storage { get; }

    /// <summary>The storage root: the folder that holds <c>docker/registry/v2</c>. Only for registries on the filesystem.</summary>
    public string RootDirectory => rootDirectory
        ?? throw new InvalidOperationException($"{Name} keeps its data in {Storage}, not in a folder.");

    public int Port { get; }

    public int ProcessId => process.Id;

    /// <summary>Whether the process has ended (crashed, or was stopped).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Whether it serves HTTPS (with a test certificate, which clients of the tests do not verify).</summary>
    public bool Https { get; }

    public Uri BaseAddress => new($"{(Https ? "https" : "http")}://127.0.0.1:{Port}/");

    /// <summary>An HTTP client for this registry; over HTTPS it accepts the registry's test certificate.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var handler = new HttpClientHandler();
        if (Https)
        {
            handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (timeout is { } limit)
        {
            client.Timeout = limit;
        }

        return client;
    }

    /// <summary>Everything the process printed so far, stdout and stderr interleaved.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>A skopeo image reference for a repository (and tag or digest) on this registry.</summary>
    public string ImageReference(string repositoryAndReference) => $"docker://{ImageName(repositoryAndReference)}";

    /// <summary>The registry as image names start with it: <c>127.0.0.1:PORT</c>.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    /// <summary>An image name for a repository (and tag or digest) on this registry, as docker and podman write it.</summary>
    public string ImageName(string repositoryAndReference) => $"{Authority}/{repositoryAndReference}";

    /// <summary>
    /// Starts a registry on a free loopback port and waits until <c>GET /v2/</c> answers 200 (or 401). A port taken by
    /// someone else between choosing and binding it is retried on another port.
    /// </summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="rootDirectory">The storage root the registry serves.</param>
    /// <param name="createStartInfo">Makes the command that starts the registry on the given port.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static Task<RegistryProcess> StartAsync(
        string name, string rootDirectory, Func<int, ProcessStartInfo> createStartInfo, CancellationToken cancellationToken) =>
        StartAsync(name, rootDirectory, rootDirectory, createStartInfo, cancellationToken);

    /// <summary>
    /// Starts a registry whose data may lie elsewhere than in a folder (a bucket, a container), as
    /// <see cref="StartAsync(string, string, Func{int, ProcessStartInfo}, CancellationToken)"/> does.
    /// </summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="storage">What the registry keeps its data in, for messages.</param>
    /// <param name="rootDirectory">Its storage root folder, or <c>null</c> when it has none.</param>
    /// <param name="createStartInfo">Makes the command that starts the registry on the given port.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="https">Whether the registry serves HTTPS (readiness is checked over HTTPS then).</param>
    public static async Task<RegistryProcess> StartAsync(
        string name, string storage, string? rootDirectory, Func<int, ProcessStartInfo> createStartInfo, CancellationToken cancellationToken, bool https = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.FindFree();
            var startInfo = createStartInfo(port);
            startInfo.UseShellExecute = false;
            startInfo.RedirectStandardInput = true;
            startInfo.RedirectStandardOutput = true;
            startInfo.RedirectStandardError = true;

            var output = new ConcurrentQueue<string>();
            var process = new Process { StartInfo = startInfo };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.Close();

            var registry = new RegistryProcess(name, storage, rootDirectory, port, https, process, output);
            TestContext.Progress.WriteLine($"  started {name} (pid {process.Id}) on {registry.BaseAddress} serving {storage}");
            try
            {
                await registry.WaitUntilReadyAsync(cancellationToken);
                return registry;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await registry.DisposeAsync();
                var portTaken = registry.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
                if (!portTaken || attempt == StartAttempts)
                {
                    throw new InvalidOperationException(
                        $"{name} did not start: {exception.Message}{Environment.NewLine}Its output:{Environment.NewLine}{registry.Output}",
                        exception);
                }
            }
        }
    }

    /// <summary>The most memory the process has held resident so far (VmHWM), in bytes.</summary>
    public long ReadPeakResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kibibytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kibibytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{process.Id}/status has no VmHWM line.");
    }

    /// <summary>Kills the process (by its id) and waits for it to be gone; the root directory stays.</summary>
    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        TestContext.Out.WriteLine($"--- {Name} (pid {process.Id}) output ---{Environment.NewLine}{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = CreateClient(TimeSpan.FromSeconds(5));
        var stopwatch = Stopwatch.StartNew();
        string lastAnswer = "no answer yet";
        while (stopwatch.Elapsed < StartupTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the process exited with code {process.ExitCode} before answering.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("v2/", UriKind.Relative), cancellationToken);
                // 401: up, with authentication on.
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }

                lastAnswer = $"GET /v2/ answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException exception)
            {
                lastAnswer = exception.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = "GET /v2/ timed out";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"GET /v2/ did not answer 200 within {StartupTimeout.TotalSeconds} s; last: {lastAnswer}.");
    }
}
