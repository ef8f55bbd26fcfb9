using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Hosting;

/// <summary>The registry as an application embeds it: AddOciRegistry + a driver + MapOciRegistry, on Kestrel on loopback.</summary>
public sealed class RegistryHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly IAsyncDisposable storage;

    private RegistryHost(WebApplication app, IAsyncDisposable storage, Uri address)
    {
        this.app = app;
        this.storage = storage;
        Address = address;
    }

    /// <summary>The registry's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The host's services (its meter factory, for telemetry tests).</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>
    /// Starts a registry on <paramref name="target"/> with deletes enabled and redirects off, then <paramref name="configure"/> applied;
    /// bound to <paramref name="configuration"/> (its <c>OciRegistry</c> section) when given, so a reload of it changes the settings;
    /// <paramref name="configureServices"/> adds the application's own services (an authentication scheme).
    /// </summary>
    public static async Task<RegistryHost> StartAsync(RegistryTarget target, Action<OciRegistryOptions>? configure = null, IConfiguration? configuration = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var registry = builder.Services.AddOciRegistry(configuration?.GetSection("OciRegistry"), o =>
        {
            o.Storage.DeleteEnabled = true;

            // The suite checks what the registry itself answers; RedirectTests turns redirects to storage back on.
            o.Storage.Redirect.Enabled = false;
            configure?.Invoke(o);
        });
        configureServices?.Invoke(builder.Services);
        var storage = await target.AddStorageAsync(registry, CancellationToken.None);
        try
        {
            var app = builder.Build();
            app.MapOciRegistry();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new RegistryHost(app, storage, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await storage.DisposeAsync();
    }
}
