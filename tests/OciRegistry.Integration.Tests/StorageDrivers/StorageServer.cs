using OciRegistry.Integration.Tests.Clients;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>A running storage server, named by the variables its service script prints.</summary>
internal sealed class StorageServer
{
    private readonly IReadOnlyDictionary<string, string> variables;

    public StorageServer(StorageService service, IReadOnlyDictionary<string, string> variables)
    {
        var missing = service.Variables.Where(name => !variables.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"{service.Script} env printed no {string.Join(", ", missing)}.", nameof(variables));
        }

        Service = service;
        this.variables = variables;
    }

    public StorageService Service { get; }

    /// <summary>
    /// The shared server <c>eng/test.sh</c> started and exported. Without its variables the test ends: it fails
    /// in CI, where the server must be running, and is ignored elsewhere.
    /// </summary>
    public static StorageServer Shared(StorageService service)
    {
        var values = new Dictionary<string, string>();
        foreach (var name in service.Variables)
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(value))
            {
                ClientPrerequisite.Missing(
                    $"{name} is not set, so there is no {service.Driver} storage server to test with",
                    $"Start it and export its settings: {service.Script} start && eval \"$({service.Script} env)\" (eng/test.sh does this).");
            }

            values[name] = value;
        }

        return new StorageServer(service, values);
    }

    /// <summary>The host on a new, empty bucket or container of this server; the driver creates it at first use.</summary>
    public HostStorage NewStorage() => Service.CreateStorage(variables, $"ocireg-it-{Guid.NewGuid():N}");
}
