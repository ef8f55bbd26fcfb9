using System.Globalization;
using System.Text;
using OciRegistry.Integration.Tests.Clients;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// An instance of a storage server of its own, started by its service script with a state folder and ports
/// nobody else uses, so a test may freeze, kill and restart it while other test assemblies keep working with
/// the shared instance. Outages are signals to the process groups named by the script's PID files: SIGSTOP
/// (the server hangs: connections are accepted by the kernel, never answered), SIGCONT, SIGKILL.
/// </summary>
internal sealed class PrivateStorageServer : IAsyncDisposable
{
    private const int StartAttempts = 3;

    private readonly TemporaryDirectory state;
    private readonly int firstPort;
    private readonly IReadOnlyDictionary<string, string?> scriptEnvironment;
    private bool frozen;

    private PrivateStorageServer(StorageService service, TemporaryDirectory state, int firstPort, StorageServer server)
    {
        Service = service;
        this.state = state;
        this.firstPort = firstPort;
        scriptEnvironment = service.PrivateInstanceEnvironment(state.Path, firstPort);
        Server = server;
    }

    public StorageService Service { get; }

    /// <summary>The server, as its script's <c>env</c> names it.</summary>
    public StorageServer Server { get; }

    /// <summary>
    /// Starts a private instance on free ports (others if they were taken meanwhile). Ends the test, failing it
    /// in CI and ignoring it elsewhere, when the script cannot start the server here (not installed).
    /// </summary>
    public static async Task<PrivateStorageServer> StartAsync(StorageService service, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = new TemporaryDirectory();
            var firstPort = LoopbackPort.FindFreeRange(service.PortCount);
            var environment = service.PrivateInstanceEnvironment(state.Path, firstPort);
            var started = await RunScriptAsync(service, environment, "start", cancellationToken);
            if (started.Succeeded)
            {
                var printed = await RunScriptAsync(service, environment, "env", cancellationToken);
                var server = new StorageServer(service, ParseExports(printed.StandardOutputText));
                TestContext.Progress.WriteLine($"  private {service.ScriptName} on 127.0.0.1:{firstPort} in {state.Path}");
                return new PrivateStorageServer(service, state, firstPort, server);
            }

            await RunScriptAsync(service, environment, "stop", CancellationToken.None);
            state.Dispose();
            if (attempt == StartAttempts)
            {
                ClientPrerequisite.Missing(
                    $"{service.Script} could not start a private instance ({StartAttempts} attempts): {started}",
                    $"Check that `{service.Script} start` works here (eng/test.sh installs and starts it).");
            }
        }
    }

    /// <summary>Suspends every process of the server: requests to it hang from now on.</summary>
    public async Task FreezeAsync()
    {
        await SignalAsync("STOP", CancellationToken.None);
        frozen = true;
    }

    /// <summary>Lets a frozen server run on; it answers what it was sent meanwhile.</summary>
    public async Task ThawAsync()
    {
        await SignalAsync("CONT", CancellationToken.None);
        frozen = false;
    }

    /// <summary>Kills every process of the server at once: connections to it are refused from now on.</summary>
    public async Task KillAsync()
    {
        var groups = await SignalAsync("KILL", CancellationToken.None);
        frozen = false;
        foreach (var group in groups)
        {
            await WaitUntilGoneAsync(group);
        }
    }

    /// <summary>Starts a killed server again with its script, on the same ports and (on disk) the same data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var result = await RunScriptAsync(Service, scriptEnvironment, "start", cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{Service.Script} could not start the private instance again: {result}");
        }
    }

    /// <summary>Makes sure the server runs and answers, whatever a test left it in.</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (frozen)
        {
            await ThawAsync();
        }

        // The script's start keeps an instance that answers and starts one that does not.
        await RestartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (frozen)
        {
            await ThawAsync();
        }

        var stopped = await RunScriptAsync(Service, scriptEnvironment, "stop", CancellationToken.None);
        if (!stopped.Succeeded)
        {
            TestContext.Progress.WriteLine($"  could not stop the private {Service.ScriptName}: {stopped}");
        }

        state.Dispose();
    }

    private async Task<IReadOnlyList<int>> SignalAsync(string signal, CancellationToken cancellationToken)
    {
        var groups = new List<int>();
        foreach (var (pidFile, mark) in Service.ProcessGroups(state.Path, firstPort))
        {
            var text = File.Exists(pidFile) ? (await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim() : null;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !CommandLine(pid).Contains(mark, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{pidFile} names no running process of the private {Service.ScriptName} (it holds '{text}').");
            }

            groups.Add(pid);
        }

        // The script starts each server with setsid: its PID is also its process group, workers included. bash's
        // own kill, as in the scripts: procps (/bin/kill) may be missing.
        await ExternalProgram.RunCheckedAsync(
            "bash", ["-c", "kill -s \"$0\" -- \"$@\"", signal, .. groups.Select(pid => $"-{pid}")], cancellationToken);
        return groups;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    // A killed process is gone, or a zombie with an empty command line, once the kernel has closed its sockets.
    private static async Task WaitUntilGoneAsync(int pid)
    {
        for (var wait = 0; wait < 100 && CommandLine(pid).Length > 0; wait++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static Task<ProgramResult> RunScriptAsync(
        StorageService service, IReadOnlyDictionary<string, string?> environment, string command, CancellationToken cancellationToken) =>
        ExternalProgram.RunAsync(
            Path.Combine(OciRegistryHost.FindSolutionDirectory(), "eng", "services", $"{service.ScriptName}.sh"), [command], environment, cancellationToken);

    // The script prints `export NAME=VALUE` lines, the value bare or in single quotes.
    private static Dictionary<string, string> ParseExports(string printed)
    {
        var variables = new Dictionary<string, string>();
        foreach (var line in printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal) || line.IndexOf('=', StringComparison.Ordinal) is not (> 0 and var equals))
            {
                continue;
            }

            var value = line[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            {
                value = value[1..^1];
            }

            variables[line["export ".Length..equals]] = value;
        }

        return variables;
    }
}
