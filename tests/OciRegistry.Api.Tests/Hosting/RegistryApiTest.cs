using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Hosting;

/// <summary>
/// Base of every API fixture: one registry host per fixture and target, started once and shared by its tests,
/// which keep apart by using a fresh repository each (<see cref="NewRepository"/>).
/// </summary>
[TestFixtureSource(typeof(RegistryTargets), nameof(RegistryTargets.All))]
public abstract class RegistryApiTest(RegistryTarget target)
{
    private RegistryHost? host;
    private RegistryClient? registry;

    /// <summary>The services of this fixture's registry host.</summary>
    protected IServiceProvider HostServices => host?.Services ?? throw new InvalidOperationException("The registry has not started.");

    /// <summary>The client of this fixture's registry.</summary>
    protected RegistryClient Registry => registry ?? throw new InvalidOperationException("The registry has not started.");

    [OneTimeSetUp]
    public async Task StartRegistryAsync()
    {
        if (target.UnavailableReason is { } reason)
        {
            Assert.Ignore($"{target.Name}: {reason}");
        }

        host = await RegistryHost.StartAsync(target, ConfigureRegistry, RegistryConfiguration);
        registry = new RegistryClient(host.Address);
    }

    [OneTimeTearDown]
    public async Task StopRegistryAsync()
    {
        registry?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Settings of this fixture's registry beyond the defaults (deletes are enabled).</summary>
    protected virtual void ConfigureRegistry(OciRegistryOptions options)
    {
    }

    /// <summary>Configuration the registry's options are bound to (its <c>OciRegistry</c> section), reloaded by tests that change settings at run time.</summary>
    protected virtual Microsoft.Extensions.Configuration.IConfiguration? RegistryConfiguration => null;

    /// <summary>A repository name no other test uses: nested, so every test also exercises names with slashes.</summary>
    protected static string NewRepository(string area = "api") => $"{area}/{Guid.NewGuid():N}";
}
