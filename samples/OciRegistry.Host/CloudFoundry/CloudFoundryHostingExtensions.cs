namespace OciRegistry.Host.CloudFoundry;

/// <summary>What the host does on Cloud Foundry: storage from the bound service, and a warning when storage is the app's own disk.</summary>
internal static class CloudFoundryHostingExtensions
{
    /// <summary>Set by Cloud Foundry in every app container.</summary>
    public const string ApplicationVariable = "VCAP_APPLICATION";

    /// <summary>
    /// Adds the storage binding of <c>VCAP_SERVICES</c> below every other configuration source (so any explicit setting
    /// wins), and the start-up warning about filesystem storage on Cloud Foundry.
    /// </summary>
    /// <exception cref="FormatException"><c>VCAP_SERVICES</c> is malformed.</exception>
    public static WebApplicationBuilder AddCloudFoundry(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new VcapServicesConfigurationSource(Environment.GetEnvironmentVariable(VcapServicesConfigurationSource.VariableName)));
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ApplicationVariable)))
        {
            builder.Services.AddHostedService<EphemeralStorageWarning>();
        }

        return builder;
    }
}
