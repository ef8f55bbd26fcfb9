using Microsoft.Extensions.DependencyInjection;

namespace OciRegistry.Api.Tests.Hosting;

/// <summary>
/// A storage driver the API tests run against. Every test fixture runs once per target listed in
/// <see cref="RegistryTargets"/>, so a new driver gets the whole API suite by adding one subclass there.
/// </summary>
public abstract class RegistryTarget
{
    /// <summary>The name the fixtures carry in test results, e.g. <c>filesystem</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Why this target cannot run here (its server is not configured), or <c>null</c> when it can.
    /// Fixtures of an unavailable target are ignored, not failed.
    /// </summary>
    public virtual string? UnavailableReason => null;

    /// <summary>
    /// Provisions empty storage for one registry host (a folder, a bucket prefix, a container) and adds the
    /// driver for it to <paramref name="registry"/>.
    /// </summary>
    /// <returns>Removes the storage when the host is gone.</returns>
    public abstract Task<IAsyncDisposable> AddStorageAsync(IOciRegistryBuilder registry, CancellationToken cancellationToken);

    /// <summary>NUnit names the fixture after this.</summary>
    public override string ToString() => Name;
}
