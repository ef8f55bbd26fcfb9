using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using OciRegistry.Storage.Azure;

namespace OciRegistry.Storage.Tests.Azure;

/// <summary>
/// The Azure driver on a container of its own in Azurite (or a real account), named by the connection string in
/// <c>OCIREGISTRY_TEST_AZURE_CONNECTION_STRING</c>; the container is deleted at the end. Start Azurite with
/// <c>eng/services/azurite.sh start</c> and set the variable with <c>eval "$(eng/services/azurite.sh env)"</c>.
/// Without it the fixture fails on CI (<c>CI=true</c>) and is skipped elsewhere.
/// </summary>
public sealed class AzureBlobStoreTestTarget : IBlobStoreTestTarget
{
    /// <summary>The variable holding the storage connection string.</summary>
    public const string ConnectionStringVariable = "OCIREGISTRY_TEST_AZURE_CONNECTION_STRING";

    private string? _connectionString;
    private string? _container;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Unavailable($"{ConnectionStringVariable} is not set: run `eng/services/azurite.sh start` and `eval \"$(eng/services/azurite.sh env)\"` first.");
        }

        var container = "ocireg-tests-" + Guid.NewGuid().ToString("N");
        try
        {
            await ServiceClient(connectionString!).GetBlobContainerClient(container).CreateAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unavailable($"The Azure storage named by {ConnectionStringVariable} does not answer ({e.GetType().Name}: {e.Message.Split('\n')[0]}); " +
                        "is Azurite running (`eng/services/azurite.sh start`)?");
        }

        _connectionString = connectionString;
        _container = container;
    }

    /// <inheritdoc />
    public Task<IBlobStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var connectionString = _connectionString ?? throw new InvalidOperationException("The target was not initialized.");
        var options = new AzureBlobStoreOptions
        {
            ConnectionString = connectionString,
            Container = _container,

            // A prefix, as a registry sharing a container with other data has; and small blocks, so that writes of a
            // few MiB already go through staged blocks and a block list commit.
            RootDirectory = "registry-root",
            BlockSizeMiB = 1,
            Timeout = TimeSpan.FromSeconds(60), // generous: a loaded two-core CI machine, not a speed check
            MaxRetries = 2,
        };
        return Task.FromResult<IBlobStore>(new AzureBlobStore(Options.Create(options)));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connectionString is not null && _container is not null)
        {
            await ServiceClient(_connectionString).GetBlobContainerClient(_container).DeleteIfExistsAsync();
        }

        _container = null;
    }

    private static BlobServiceClient ServiceClient(string connectionString) => new(connectionString);

    private static void Unavailable(string message)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }
}
