using System.Globalization;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>Azurite's blob service (<c>eng/services/azurite.sh</c>) for the Azure driver.</summary>
internal sealed class AzuriteService()
    : StorageService("azure", "azurite", "Azure", [ConnectionStringVariable], "OCIREGISTRY_AZURITE_STATE", "OCIREGISTRY_AZURITE_PORT", portCount: 1)
{
    public const string ConnectionStringVariable = "OCIREGISTRY_TEST_AZURE_CONNECTION_STRING";

    public override (string Key, string Value) SmallPartsSetting => ("Azure:BlockSizeMiB", "2");

    // The script runs it with --inMemoryPersistence: every start begins empty.
    public override bool KeepsDataAcrossRestart => false;

    public override HostStorage CreateStorage(IReadOnlyDictionary<string, string> variables, string name) =>
        new($"Azure container {name} at {BlobEndpoint(variables[ConnectionStringVariable])}", null,
        [
            new("Driver", Driver),
            new("Azure:ConnectionString", variables[ConnectionStringVariable]),
            new("Azure:Container", name),
        ]);

    // One node process, started with setsid; its command line names its port.
    public override IEnumerable<(string PidFile, string CommandLineMark)> ProcessGroups(string stateDirectory, int firstPort) =>
        [(Path.Combine(stateDirectory, "pid"), $"--blobPort\0{firstPort.ToString(CultureInfo.InvariantCulture)}\0")];

    // The connection string carries the account key: messages show only where the service is.
    private static string BlobEndpoint(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(part => part.StartsWith("BlobEndpoint=", StringComparison.OrdinalIgnoreCase))?["BlobEndpoint=".Length..]
        ?? "the connection string's account";
}
