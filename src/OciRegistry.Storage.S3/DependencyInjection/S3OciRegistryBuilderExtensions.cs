using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OciRegistry.Storage;
using OciRegistry.Storage.S3;
using OciRegistry.Storage.S3.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the S3 driver to a registry.</summary>
public static class S3OciRegistryBuilderExtensions
{
    /// <summary>The name of the driver's health check (tagged <c>storage</c>).</summary>
    public const string HealthCheckName = "oci-registry-storage-s3";

    /// <summary>
    /// Stores the registry in an S3 bucket (Amazon S3 or an S3-compatible service), configured from
    /// <paramref name="configuration"/> (<c>OciRegistry:Storage:S3</c> in the sample host) and/or
    /// <paramref name="configure"/>, and checked when the host starts. The bucket is created at first use when it
    /// does not exist. Also registers <see cref="S3BlobStoreHealthCheck"/> with the host's health checks.
    /// </summary>
    public static IOciRegistryBuilder AddS3BlobStore(this IOciRegistryBuilder builder, IConfiguration? configuration = null, Action<S3BlobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<S3BlobStoreOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3BlobStoreOptions>, S3BlobStoreOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<S3BlobStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IBlobStore>(services => services.GetRequiredService<S3BlobStore>()));
        builder.Services.AddHealthChecks().AddCheck<S3BlobStoreHealthCheck>(HealthCheckName, tags: ["storage"]);
        return builder;
    }
}
