using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace OciRegistry.Storage.Azure;

/// <summary>Builds the container client the driver talks through from its options (no I/O).</summary>
internal static class AzureBlobClientFactory
{
    // The first retry comes quickly; later ones back off, never beyond this: an outage should fail within
    // (MaxRetries + 1) x Timeout plus a few seconds, not minutes.
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(4);

    public static BlobContainerClient CreateContainerClient(AzureBlobStoreOptions options)
    {
        var clientOptions = CreateClientOptions(options);
        var service = CreateServiceClient(options, clientOptions);
        return service.GetBlobContainerClient(options.Container);
    }

    /// <summary>The blob name prefix for <see cref="AzureBlobStoreOptions.RootDirectory"/>: empty or ending in '/'.</summary>
    public static string RootPrefix(string? rootDirectory)
    {
        var trimmed = (rootDirectory ?? string.Empty).Trim().Trim('/');
        return trimmed.Length == 0 ? string.Empty : trimmed + "/";
    }

    /// <summary>Maps <c>2025-01-05</c> (or <c>V2025_01_05</c>) to the client library's version.</summary>
    public static bool TryParseServiceVersion(string text, out BlobClientOptions.ServiceVersion version)
    {
        var name = text.Trim();
        if (!name.StartsWith('V'))
        {
            name = "V" + name.Replace('-', '_');
        }

        return Enum.TryParse(name, ignoreCase: false, out version) && Enum.IsDefined(version);
    }

    private static BlobClientOptions CreateClientOptions(AzureBlobStoreOptions options)
    {
        var clientOptions = string.IsNullOrWhiteSpace(options.ServiceVersion)
            ? new BlobClientOptions()
            : new BlobClientOptions(TryParseServiceVersion(options.ServiceVersion, out var version)
                ? version
                : throw new ArgumentException($"Unknown storage service version '{options.ServiceVersion}'.", nameof(options)));
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = FirstRetryDelay;
        clientOptions.Retry.MaxDelay = LongestRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.Timeout;
        return clientOptions;
    }

    private static BlobServiceClient CreateServiceClient(AzureBlobStoreOptions options, BlobClientOptions clientOptions)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString, clientOptions);
        }

        var serviceUri = options.ServiceUri ?? new Uri($"https://{options.AccountName!.Trim()}.blob.core.windows.net");
        if (!string.IsNullOrWhiteSpace(options.AccountKey))
        {
            return new BlobServiceClient(serviceUri, new StorageSharedKeyCredential(options.AccountName!.Trim(), options.AccountKey.Trim()), clientOptions);
        }

        if (CarriesSas(serviceUri))
        {
            return new BlobServiceClient(serviceUri, clientOptions);
        }

        return new BlobServiceClient(serviceUri, options.Credential ?? CreateDefaultCredential(), clientOptions);
    }

    public static bool CarriesSas(Uri serviceUri) =>
        serviceUri.IsAbsoluteUri && serviceUri.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);

    private static DefaultAzureCredential CreateDefaultCredential() => new();
}
