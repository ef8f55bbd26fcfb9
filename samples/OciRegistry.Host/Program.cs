using OciRegistry.Host;
using OciRegistry.Host.Commands;

if (GarbageCollectCommand.IsRequested(args))
{
    return await GarbageCollectCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
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
