namespace OciRegistry.Host.CloudFoundry;

/// <summary>
/// The storage a Cloud Foundry service binding names (<c>VCAP_SERVICES</c>), as <c>OciRegistry:Storage:*</c> keys.
/// Add it first, below every other source, so explicit configuration wins over the binding.
/// </summary>
/// <param name="vcapServices">The <c>VCAP_SERVICES</c> JSON; <c>null</c> or blank when the app has no bindings.</param>
internal sealed class VcapServicesConfigurationSource(string? vcapServices) : IConfigurationSource
{
    public const string VariableName = "VCAP_SERVICES";

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new VcapServicesConfigurationProvider(vcapServices);
}
