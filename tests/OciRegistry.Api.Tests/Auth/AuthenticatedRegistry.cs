using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;
using OciRegistry.Storage.FileSystem;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>A registry host on the filesystem driver with auth settings, its client, and its storage folder to snapshot.</summary>
public sealed class AuthenticatedRegistry : IAsyncDisposable
{
    private readonly RegistryHost host;

    private AuthenticatedRegistry(RegistryHost host)
    {
        this.host = host;
        Client = new RegistryClient(host.Address);
        Root = host.Services.GetRequiredService<IOptions<FileSystemBlobStoreOptions>>().Value.RootDirectory;
    }

    public RegistryClient Client { get; }

    /// <summary>The storage's root folder.</summary>
    public string Root { get; }

    public Uri Address => host.Address;

    public static async Task<AuthenticatedRegistry> StartAsync(Action<OciRegistryOptions> configure, Action<IServiceCollection>? configureServices = null) =>
        new(await RegistryHost.StartAsync(new FileSystemTarget(), configure, configureServices: configureServices));

    public StorageSnapshot Snapshot() => StorageSnapshot.Take(Root);

    /// <summary>Runs <paramref name="request"/> and asserts it left the storage as it was.</summary>
    public async Task<T> UnchangedAsync<T>(string what, Func<Task<T>> request)
    {
        var before = Snapshot();
        var result = await request();
        before.AssertUnchanged(Root, what);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await host.DisposeAsync();
    }
}
