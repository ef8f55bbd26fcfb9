using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OciRegistry.Storage;
using OciRegistry.Storage.Azure;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Azure Blob Storage driver to a registry.</summary>
public static class AzureOciRegistryBuilderExtensions
{
    /// <summary>
    /// Stores the registry in an Azure Blob Storage container, with settings bound from
    /// <paramref name="configuration"/> (<c>OciRegistry:Storage:Azure</c> in the sample host) and/or set by
    /// <paramref name="configure"/>, validated at start. Also registers the health check
    /// <see cref="AzureBlobStoreHealthCheck"/> (named <c>azure-blob-storage</c>, tagged <c>storage</c>).
    /// </summary>
    public static IOciRegistryBuilder AddAzureBlobStore(this IOciRegistryBuilder builder, IConfiguration? configuration = null, Action<AzureBlobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<AzureBlobStoreOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureBlobStoreOptions>, AzureBlobStoreOptionsValidator>());
        services.TryAddSingleton<AzureBlobStore>();
        services.Replace(ServiceDescriptor.Singleton<IBlobStore>(provider => provider.GetRequiredService<AzureBlobStore>()));

        if (!services.Any(s => s.ServiceType == typeof(AzureBlobStoreHealthCheck)))
        {
            services.AddSingleton<AzureBlobStoreHealthCheck>();
            services.AddHealthChecks().AddCheck<AzureBlobStoreHealthCheck>(AzureBlobStoreHealthCheck.Name, tags: ["storage"]);
        }

        return builder;
    }
}
