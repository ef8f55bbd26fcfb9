using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Storage;
using OciRegistry.Storage.FileSystem;

namespace OciRegistry.GarbageCollection.Tests.Support;

/// <summary>
/// A registry on a folder of its own (a collection sweeps the whole storage, so each test has one), its HTTP client,
/// its collector, and direct access to the files: to age them and to see what a collection left.
/// </summary>
public sealed class CollectedRegistry : IAsyncDisposable
{
    private const string AnyManifest = MediaType.OciManifest + ", " + MediaType.OciIndex + ", " + MediaType.DockerManifest + ", " + MediaType.DockerManifestList;

    private readonly RegistryHost host;

    private CollectedRegistry(RegistryHost host)
    {
        this.host = host;
        Client = new RegistryClient(host.Address);
    }

    public RegistryClient Client { get; }

    public IServiceProvider Services => host.Services;

    public IBlobStore Store => Services.GetRequiredService<IBlobStore>();

    public string Root => ((FileSystemBlobStore)Store).RootDirectory;

    /// <summary>
    /// Starts a registry whose collections have no grace period and no settle delay, then <paramref name="configure"/>;
    /// bound to <paramref name="configuration"/> when given (settings a reload switches), with the application's own
    /// <paramref name="configureServices"/> (a logger).
    /// </summary>
    public static async Task<CollectedRegistry> StartAsync(Action<GarbageCollectionOptions>? configure = null, IConfiguration? configuration = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var host = await RegistryHost.StartAsync(new FileSystemTarget(), options =>
        {
            options.GarbageCollection.GracePeriod = TimeSpan.Zero;
            options.GarbageCollection.SettleDelay = TimeSpan.Zero;
            configure?.Invoke(options.GarbageCollection);
        }, configuration, configureServices);
        return new CollectedRegistry(host);
    }

    public Task<GarbageCollectionResult> CollectAsync(bool deleteUntagged = false, bool dryRun = false) =>
        Services.GetRequiredService<IGarbageCollector>().CollectAsync(new GarbageCollectionRequest { DeleteUntagged = deleteUntagged, DryRun = dryRun });

    /// <summary>A collector with this registry's settings over another view of its storage (a <see cref="StoreSpy"/>).</summary>
    public IGarbageCollector CollectorOver(IBlobStore store) =>
        new GarbageCollector(store, new LinkFiles(store), Services.GetRequiredService<IOptionsMonitor<OciRegistryOptions>>(), TimeProvider.System,
            NullLogger<GarbageCollector>.Instance);

    /// <summary>Links <paramref name="digest"/> into a repository directly in storage, as a request in flight would.</summary>
    public Task WriteLinkAsync(string path, string digest) => new LinkFiles(Store).WriteAsync(path, Digest.Parse(digest), CancellationToken.None);

    /// <summary>Pushes a fresh config, the given layers (a fresh one when none is given) and an image manifest of them.</summary>
    public async Task<PushedImage> PushImageAsync(string repository, string? tag, params TestBlob[] layers)
    {
        var config = await Client.PushBlobAsync(repository, TestBlob.Config());
        if (layers.Length == 0)
        {
            layers = [TestBlob.Random()];
        }

        foreach (var layer in layers)
        {
            await Client.PushBlobAsync(repository, layer);
        }

        var manifest = await Client.PushManifestAsync(repository, Manifests.Image(config, layers), tag);
        return new PushedImage(manifest, config, layers);
    }

    /// <summary>
    /// Pulls <paramref name="reference"/> as a client would: the manifest, then every child of an index and every config
    /// and layer, each checked against its digest.
    /// </summary>
    public async Task AssertPullsAsync(string repository, string reference)
    {
        using var response = await Client.GetManifestAsync(repository, reference, AnyManifest);
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        if (manifest.RootElement.TryGetProperty("manifests", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                await AssertPullsAsync(repository, child.GetProperty("digest").GetString()!);
            }

            return;
        }

        var blobs = manifest.RootElement.GetProperty("layers").EnumerateArray().Prepend(manifest.RootElement.GetProperty("config"));
        foreach (var digest in blobs.Select(blob => blob.GetProperty("digest").GetString()!))
        {
            using var blob = await Client.GetAsync(RegistryClient.BlobPath(repository, digest));
            await ResponseAssert.StatusAsync(blob, HttpStatusCode.OK);
            Assert.That("sha256:" + Convert.ToHexStringLower(SHA256.HashData(await blob.Content.ReadAsByteArrayAsync())), Is.EqualTo(digest),
                $"bytes of {repository}@{digest} (of {reference})");
        }
    }

    public bool HasBlobData(string digest) => File.Exists(FilePath(RegistryLayout.BlobData(Digest.Parse(digest))));

    public bool HasLayerLink(string repository, string digest) =>
        File.Exists(FilePath(RegistryLayout.LayerLink(RepositoryName.Parse(repository), Digest.Parse(digest))));

    public string FilePath(string storePath) => Path.Combine(Root, storePath);

    /// <summary>Moves the modification time of every stored file <paramref name="age"/> into the past.</summary>
    public void Age(TimeSpan age)
    {
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file) - age);
        }
    }

    /// <summary>Every stored file, as a path relative to the root.</summary>
    public IReadOnlyList<string> Files() =>
        [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(Root, file)).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await host.DisposeAsync();
    }

    /// <summary>A repository name of its own for a test.</summary>
    public static string NewRepository(string area = "gc") => $"{area}/{Guid.NewGuid():N}";
}
