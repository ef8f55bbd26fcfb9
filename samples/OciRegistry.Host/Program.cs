using OciRegistry.Host;

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
