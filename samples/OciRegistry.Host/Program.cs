using OciRegistry.Host;
using OciRegistry.Host.CloudFoundry;
using OciRegistry.Host.Commands;
using OciRegistry.Host.Hosting;

if (GarbageCollectCommand.IsRequested(args))
{
    return await GarbageCollectCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(ConfigurationFileWatch.WithoutDefaultWatcher(args));
ConfigurationFileWatch.PollJsonFiles(builder.Configuration, builder.Environment.ContentRootPath);
builder.AddCloudFoundry();
HostListenAddress.Configure(builder);

builder.Services
    .AddOciRegistry(builder.Configuration.GetSection("OciRegistry"))
    .AddStorageDriverFromConfiguration(builder.Configuration.GetSection("OciRegistry:Storage"));
builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapHealthChecks("/healthz");
app.MapOciRegistry();
app.Run();
return 0;
