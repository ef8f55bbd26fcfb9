using Microsoft.Extensions.DependencyInjection;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>
/// Base of the auth fixtures: one registry on the filesystem driver with the fixture's auth settings, started once
/// after <see cref="PrepareAsync"/> and shared by the fixture's tests, each of which starts signed out.
/// </summary>
public abstract class AuthenticatedRegistryTest
{
    private AuthenticatedRegistry? registry;

    /// <summary>The fixture's registry.</summary>
    protected AuthenticatedRegistry Registry => registry ?? throw new InvalidOperationException("The registry has not started.");

    /// <summary>The client of the fixture's registry.</summary>
    protected RegistryClient Client => Registry.Client;

    [OneTimeSetUp]
    public async Task StartRegistryAsync()
    {
        await PrepareAsync();
        registry = await AuthenticatedRegistry.StartAsync(ConfigureRegistry, ConfigureServices);
    }

    [OneTimeTearDown]
    public async Task StopRegistryAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }

        await CleanUpAsync();
    }

    [SetUp]
    public void SignOut() => Client.Authorization = null;

    /// <summary>What the settings need before the registry starts: an htpasswd file, a token service.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>The fixture's auth settings.</summary>
    protected abstract void ConfigureRegistry(OciRegistryOptions options);

    /// <summary>Services besides the registry's, such as the application's own authentication scheme.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Removes what <see cref="PrepareAsync"/> made, once the registry has stopped.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;
}
