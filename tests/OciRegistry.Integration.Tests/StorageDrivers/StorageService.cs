using System.Globalization;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// A storage server for the object-store drivers, run by its script in <c>eng/services</c>: the variables its
/// <c>env</c> command prints (which <c>eng/test.sh</c> exports for the shared instance), the host settings they
/// make, and what a private instance of it needs.
/// </summary>
/// <param name="driver">The driver's name in the host's <c>OciRegistry:Storage:Driver</c>, also the fixtures' name.</param>
/// <param name="scriptName">The script's name in <c>eng/services</c>, without <c>.sh</c>.</param>
/// <param name="section">The driver's configuration section below <c>OciRegistry:Storage</c>.</param>
/// <param name="variables">The variables that name a running server; all of them must be set.</param>
/// <param name="stateVariable">The script's setting of the folder a (private) instance keeps its state in.</param>
/// <param name="portVariable">The script's setting of the (first) port an instance listens on.</param>
/// <param name="portCount">How many consecutive loopback ports an instance takes, from that one.</param>
internal abstract class StorageService(
    string driver, string scriptName, string section, IReadOnlyList<string> variables, string stateVariable, string portVariable, int portCount)
{
    public string Driver => driver;

    public string ScriptName => scriptName;

    public string Section => section;

    public IReadOnlyList<string> Variables => variables;

    public int PortCount => portCount;

    /// <summary>The script's command line, for messages.</summary>
    public string Script => $"eng/services/{ScriptName}.sh";

    /// <summary>
    /// The setting of the driver's smallest parts (S3) or blocks (Azure), so that an upload writes to storage
    /// every few MiB.
    /// </summary>
    public abstract (string Key, string Value) SmallPartsSetting { get; }

    /// <summary>Whether a restarted server still holds what it stored before (Azurite keeps it in memory only).</summary>
    public abstract bool KeepsDataAcrossRestart { get; }

    /// <summary>The host on a bucket or container called <paramref name="name"/> of the server the variables name.</summary>
    public abstract HostStorage CreateStorage(IReadOnlyDictionary<string, string> variables, string name);

    /// <summary>
    /// The process groups of a private instance: the PID files its script writes, each with a text the process's
    /// command line contains, so a recycled PID is never signalled.
    /// </summary>
    public abstract IEnumerable<(string PidFile, string CommandLineMark)> ProcessGroups(string stateDirectory, int firstPort);

    /// <summary>The script's environment that makes it run a private instance in its own folder and ports.</summary>
    public IReadOnlyDictionary<string, string?> PrivateInstanceEnvironment(string stateDirectory, int firstPort) =>
        new Dictionary<string, string?>
        {
            [stateVariable] = stateDirectory,
            [portVariable] = firstPort.ToString(CultureInfo.InvariantCulture),
        };

    public override string ToString() => Driver;
}
