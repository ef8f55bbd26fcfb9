namespace OciRegistry.Integration.Tests.Processes;

/// <summary>What a finished command-line program left behind.</summary>
internal sealed record ProgramResult(string CommandLine, int ExitCode, byte[] StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string StandardOutputText => System.Text.Encoding.UTF8.GetString(StandardOutput);

    public override string ToString() =>
        $"`{CommandLine}` exited with {ExitCode}{Environment.NewLine}stdout: {StandardOutputText}{Environment.NewLine}stderr: {StandardError}";
}
