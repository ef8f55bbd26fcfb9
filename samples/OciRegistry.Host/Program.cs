using Microsoft.AspNetCore.Connections;
using OciRegistry.Host;
using OciRegistry.Host.CloudFoundry;
using OciRegistry.Host.Commands;
using OciRegistry.Host.GoRegistryConfiguration;
using OciRegistry.Host.Hosting;

if (GarbageCollectCommand.IsRequested(args))
{
    return await GarbageCollectCommand.RunAsync(args);
}

// `serve config.yml`: a Go registry configuration file on top of the .NET configuration
if (!ServeCommand.TryParse(args, out var goRegistryConfigFile, out var configurationArgs))
{
    return 2;
}

var builder = WebApplication.CreateBuilder(ConfigurationFileWatch.WithoutDefaultWatcher(configurationArgs));
ConfigurationFileWatch.PollJsonFiles(builder.Configuration, builder.Environment.ContentRootPath);
if (!builder.TryAddCloudFoundry() || !builder.TryAddGoRegistryConfiguration(goRegistryConfigFile, out var goRegistryConfiguration))
{
    return 1;
}

HostListenAddress.Configure(builder);

// Kestrel takes its buffer pool from the services: larger blocks mean fewer, larger socket reads and writes (blob bytes).
builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();

if (!builder.Services.AddOciRegistry(builder.Configuration.GetSection("OciRegistry"))
        .TryAddStorageDriverFromConfiguration(builder.Configuration.GetSection("OciRegistry:Storage")))
{
    return 1;
}

builder.AddHealthEndpoints();
builder.AddTelemetry();

var app = builder.Build();
if (!app.TryValidateConfiguration())
{
    return 1;
}

app.LogGoRegistryConfiguration(goRegistryConfiguration);
app.UseGoRegistryHttpSettings();
app.MapHealthEndpoints();
app.MapTelemetryEndpoints();
app.MapOciRegistry();
app.Run();
return 0;
