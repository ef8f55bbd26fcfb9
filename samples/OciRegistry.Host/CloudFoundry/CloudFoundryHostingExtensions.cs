namespace OciRegistry.Host.CloudFoundry;

/// <summary>What the host does on Cloud Foundry: storage from the bound service, and a warning when storage is the app's own disk.</summary>
internal static class CloudFoundryHostingExtensions
{
    /// <summary>Set by Cloud Foundry in every app container.</summary>
    public const string ApplicationVariable = "VCAP_APPLICATION";

    /// <summary>
    /// Adds the storage binding of <c>VCAP_SERVICES</c> below every other configuration source (so any explicit setting
    /// wins), and the start-up warning about filesystem storage on Cloud Foundry. Prints the problem (one line, naming
    /// the binding) and returns <c>false</c> when <c>VCAP_SERVICES</c> is malformed, as for a bad Go registry file.
    /// </summary>
    public static bool TryAddCloudFoundry(this WebApplicationBuilder builder)
    {
        try
        {
            // The configuration manager loads a source as it is added: a malformed binding throws here.
            builder.Configuration.Sources.Insert(0, new VcapServicesConfigurationSource(Environment.GetEnvironmentVariable(VcapServicesConfigurationSource.VariableName)));
        }
        catch (FormatException malformed)
        {
            Console.Error.WriteLine(malformed.Message);
            return false;
        }

        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ApplicationVariable)))
        {
            builder.Services.AddHostedService<EphemeralStorageWarning>();
        }

        return true;
    }
}
