using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OciRegistry.Api;
using OciRegistry.Authorization;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Engine.Blobs;
using OciRegistry.Engine.Catalog;
using OciRegistry.Engine.Manifests;
using OciRegistry.Engine.Referrers;
using OciRegistry.Engine.Tags;
using OciRegistry.Engine.Uploads;
using OciRegistry.GarbageCollection;
using OciRegistry.Hashing;
using OciRegistry.Limits;
using OciRegistry.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the registry engine and its HTTP API to an application.</summary>
public static class OciRegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registry, bound from <paramref name="configuration"/> (the <c>OciRegistry</c> section) and/or set by
    /// <paramref name="configure"/>. Add a storage driver on the returned builder, then call <c>app.MapOciRegistry()</c>.
    /// Every piece is registered with <c>TryAdd</c>, so the application may replace any of them.
    /// </summary>
    public static IOciRegistryBuilder AddOciRegistry(this IServiceCollection services, IConfiguration? configuration = null, Action<OciRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OciRegistryOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxManifestBytes > 0, "OciRegistry:MaxManifestBytes must be positive.")
               .Validate(o => o.Limits.MaxBlobBytes >= 0, "OciRegistry:Limits:MaxBlobBytes must be 0 (no limit) or positive.")
               .Validate(o => o.Limits.MaxOpenUploadsPerClient >= 0, "OciRegistry:Limits:MaxOpenUploadsPerClient must be 0 (no limit) or positive.")
               .Validate(o => o.Limits.OpenUploadIdleTimeout > TimeSpan.Zero, "OciRegistry:Limits:OpenUploadIdleTimeout must be positive.")
               .Validate(o => o.Limits.MinRequestBodyBytesPerSecond >= 0 && o.Limits.RequestBodyGracePeriod > TimeSpan.FromSeconds(1),
                   "OciRegistry:Limits:MinRequestBodyBytesPerSecond must be 0 or positive, RequestBodyGracePeriod more than 1 second (Kestrel checks rates once a second).")
               .ValidateOnStart();

        services.AddRouting();
        services.AddMetrics();
        services.TryAddSingleton<RegistryMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadHashCache>();
        services.TryAddSingleton<LinkFiles>();
        services.TryAddSingleton<BlobService>();
        services.TryAddSingleton<UploadService>();
        services.TryAddSingleton<UploadTokenSigner>();
        services.TryAddSingleton<ManifestService>();
        services.TryAddSingleton<ReferrerService>();
        services.TryAddSingleton<TagService>();
        services.TryAddSingleton<CatalogService>();
        services.TryAddSingleton<IGarbageCollector, GarbageCollector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OciRegistryOptions>, GarbageCollectionOptionsValidator>());

        // Always registered, idle unless OciRegistry:GarbageCollection:Enabled: the flag is read when the host starts.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GarbageCollectionService>());
        services.TryAddSingleton<RegistryUrls>();
        services.TryAddSingleton<BlobEndpoints>();
        services.TryAddSingleton<OpenUploadLimiter>();
        services.TryAddSingleton<UploadEndpoints>();
        services.TryAddSingleton<ManifestEndpoints>();
        services.TryAddSingleton<ListingEndpoints>();
        services.TryAddSingleton<RegistryRequestDispatcher>();
        RegistryAuthServices.Add(services);
        return new OciRegistryBuilder(services);
    }

    private sealed class OciRegistryBuilder(IServiceCollection services) : IOciRegistryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
