using OciRegistry.GarbageCollection;

namespace OciRegistry.DependencyInjection;

/// <summary>Settings of the registry engine and its HTTP API (the <c>OciRegistry</c> configuration section).</summary>
public sealed class OciRegistryOptions
{
    /// <summary>The default largest manifest accepted: 4 MiB, the size the distribution spec asks registries to support.</summary>
    public const int DefaultMaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>Storage settings shared by all drivers (<c>OciRegistry:Storage</c>).</summary>
    public OciRegistryStorageOptions Storage { get; set; } = new();

    /// <summary>HTTP settings (<c>OciRegistry:Http</c>).</summary>
    public OciRegistryHttpOptions Http { get; set; } = new();

    /// <summary>Garbage collection settings (<c>OciRegistry:GarbageCollection</c>).</summary>
    public GarbageCollectionOptions GarbageCollection { get; set; } = new();

    /// <summary>
    /// Serve pulls only: every push, delete and upload request answers 405 <c>UNSUPPORTED</c> saying the registry is
    /// read-only. Garbage collection deletes nothing meanwhile: background rounds are skipped, and an explicit
    /// collection runs only as a dry run. Read on every request, so a configuration reload (an edited
    /// <c>appsettings.json</c>) switches it without a restart.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>Authentication and authorization (<c>OciRegistry:Auth</c>).</summary>
    public OciRegistryAuthOptions Auth { get; set; } = new();

    /// <summary>Limits against hostile or broken clients (<c>OciRegistry:Limits</c>).</summary>
    public OciRegistryLimitsOptions Limits { get; set; } = new();

    /// <summary>Largest manifest accepted, in bytes; larger ones are refused with 413.</summary>
    public int MaxManifestBytes { get; set; } = DefaultMaxManifestBytes;
}
