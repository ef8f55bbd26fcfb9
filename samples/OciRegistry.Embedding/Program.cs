using OciRegistry.Embedding;

var builder = WebApplication.CreateBuilder(args);

// The application's own services.
builder.Services.AddSingleton<BuildLog>();

// 1. The registry's services, with the filesystem driver (OciRegistry:Storage:FileSystem in appsettings.json).
builder.Services.AddOciRegistry(builder.Configuration.GetSection("OciRegistry"))
                .AddFileSystemBlobStore(builder.Configuration.GetSection("OciRegistry:Storage:FileSystem"));

var app = builder.Build();

// The application's own endpoints, untouched by the registry.
app.MapGet("/", () => "Build status API. Builds: /api/builds. Container registry: /v2/.");
app.MapGet("/api/builds", (BuildLog log) => log.All());
app.MapPost("/api/builds", (BuildRecord build, BuildLog log) =>
{
    log.Add(build);
    return Results.Created($"/api/builds/{build.Id}", build);
});

// 2. The registry's endpoints under /v2/ (a convention builder: .RequireAuthorization(...) applies to all of them).
app.MapOciRegistry();

app.Run();
