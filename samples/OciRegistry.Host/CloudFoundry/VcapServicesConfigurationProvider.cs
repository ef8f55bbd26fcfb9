namespace OciRegistry.Host.CloudFoundry;

/// <summary>Loads the keys <see cref="VcapStorageBinding"/> maps from <c>VCAP_SERVICES</c>; malformed input throws at load, naming the problem.</summary>
internal sealed class VcapServicesConfigurationProvider(string? vcapServices) : ConfigurationProvider
{
    public override void Load() =>
        Data = new Dictionary<string, string?>(VcapStorageBinding.Read(vcapServices), StringComparer.OrdinalIgnoreCase);
}
