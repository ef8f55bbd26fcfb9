namespace OciRegistry.Storage.Tests;

/// <summary>
/// A driver under test together with the storage it runs on (a folder, a bucket on an S3-compatible server, a
/// container in Azurite). <see cref="BlobStoreContractTests"/> runs once per target listed in
/// <see cref="BlobStoreTestTargets"/>.
/// </summary>
/// <remarks>
/// Targets are constructed while tests are discovered, so a constructor does no I/O. A target whose server is not
/// reachable calls <c>Assert.Ignore</c> from <see cref="InitializeAsync"/>, which skips its fixture.
/// <see cref="IAsyncDisposable.DisposeAsync"/> disposes the drivers it created and deletes the storage.
/// </remarks>
public interface IBlobStoreTestTarget : IAsyncDisposable
{
    /// <summary>Prepares empty storage for one run of the fixture.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates a new driver instance on the storage prepared by <see cref="InitializeAsync"/>, as another process
    /// or node would: it shares nothing in memory with the instances created before it.
    /// </summary>
    Task<IBlobStore> CreateStoreAsync(CancellationToken cancellationToken);
}
