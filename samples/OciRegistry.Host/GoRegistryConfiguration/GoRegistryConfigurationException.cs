namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>A Go registry configuration that cannot be served as written; the message names every key at fault.</summary>
internal sealed class GoRegistryConfigurationException : Exception
{
    public GoRegistryConfigurationException()
    {
    }

    public GoRegistryConfigurationException(string message)
        : base(message)
    {
    }

    public GoRegistryConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
