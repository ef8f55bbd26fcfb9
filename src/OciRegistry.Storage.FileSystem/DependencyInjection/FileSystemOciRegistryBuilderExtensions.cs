using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OciRegistry.Storage;
using OciRegistry.Storage.FileSystem;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the filesystem driver to a registry.</summary>
public static class FileSystemOciRegistryBuilderExtensions
{
    /// <summary>
    /// Stores the registry in a local folder, bound from <paramref name="configuration"/>
    /// (<c>OciRegistry:Storage:FileSystem</c> in the sample host) and/or set by <paramref name="configure"/>. Also registers
    /// <see cref="FileSystemBlobStoreHealthCheck"/> (named <c>filesystem-storage</c>, tagged <c>storage</c>) with the host's health checks.
    /// </summary>
    public static IOciRegistryBuilder AddFileSystemBlobStore(this IOciRegistryBuilder builder, IConfiguration? configuration = null, Action<FileSystemBlobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<FileSystemBlobStoreOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !string.IsNullOrWhiteSpace(o.RootDirectory), "OciRegistry:Storage:FileSystem:RootDirectory must name a folder.")
               .ValidateOnStart();
        builder.Services.Replace(ServiceDescriptor.Singleton<IBlobStore, FileSystemBlobStore>());
        if (!builder.Services.Any(s => s.ServiceType == typeof(FileSystemBlobStoreHealthCheck)))
        {
            builder.Services.AddSingleton<FileSystemBlobStoreHealthCheck>();
            builder.Services.AddHealthChecks().AddCheck<FileSystemBlobStoreHealthCheck>(FileSystemBlobStoreHealthCheck.Name, tags: ["storage"]);
        }

        return builder;
    }
}
