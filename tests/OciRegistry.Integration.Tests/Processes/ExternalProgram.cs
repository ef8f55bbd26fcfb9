using System.Diagnostics;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>Runs a command-line tool (skopeo, umoci, docker, ...) to completion and captures what it printed.</summary>
internal static class ExternalProgram
{
    // A hung client must fail its test, not the whole run.
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs the program and throws, with everything it printed, unless it exits with 0.</summary>
    public static Task<ProgramResult> RunCheckedAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunCheckedAsync(fileName, arguments, environment: null, cancellationToken);

    /// <summary>
    /// Runs the program with changes to the inherited environment (a null value removes the variable) and throws,
    /// with everything it printed, unless it exits with 0. It runs in <paramref name="workingDirectory"/> (default:
    /// the test's) and is killed after <paramref name="timeout"/> (default 2 minutes).
    /// </summary>
    public static async Task<ProgramResult> RunCheckedAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken,
        TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var result = await RunAsync(fileName, arguments, environment, cancellationToken, timeout, workingDirectory);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.ToString());
        }

        return result;
    }

    /// <summary>Runs the program and returns its exit code and output, whatever the exit code.</summary>
    public static Task<ProgramResult> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(fileName, arguments, environment: null, cancellationToken);

    /// <summary>
    /// Runs the program with changes to the inherited environment (a null value removes the variable) and returns
    /// its exit code and output, whatever the exit code. It runs in <paramref name="workingDirectory"/> (default:
    /// the test's) and is killed after <paramref name="timeout"/> (default 2 minutes).
    /// </summary>
    public static async Task<ProgramResult> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken,
        TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(fileName));
        TestContext.Progress.WriteLine($"  $ {commandLine}");

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start `{commandLine}`.");
        process.StandardInput.Close();
        try
        {
            using var standardOutput = new MemoryStream();
            var copyOutput = process.StandardOutput.BaseStream.CopyToAsync(standardOutput, timeoutSource.Token);
            var readError = process.StandardError.ReadToEndAsync(timeoutSource.Token);
            await Task.WhenAll(copyOutput, readError, process.WaitForExitAsync(timeoutSource.Token));
            return new ProgramResult(commandLine, process.ExitCode, standardOutput.ToArray(), await readError);
        }
        catch (OperationCanceledException)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"`{commandLine}` did not finish within {limit.TotalSeconds} s and was killed.");
        }
    }
}
