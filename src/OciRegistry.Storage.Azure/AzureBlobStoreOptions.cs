using Azure.Core;

namespace OciRegistry.Storage.Azure;

/// <summary>
/// Settings of the Azure Blob Storage driver (<c>OciRegistry:Storage:Azure</c>). Set exactly one way to reach the
/// account: <see cref="ConnectionString"/>; or <see cref="AccountName"/> with <see cref="AccountKey"/>; or
/// <see cref="ServiceUri"/> (and/or <see cref="AccountName"/>) alone, which signs in with
/// <see cref="Credential"/> or else <c>DefaultAzureCredential</c> (managed identity, workload identity,
/// environment variables, Azure CLI, ...).
/// </summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>The largest <see cref="BlockSizeMiB"/>: every running upload holds one block in memory.</summary>
    public const int MaxBlockSizeMiB = 100;

    /// <summary>
    /// A storage connection string (<c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...</c>, or with a
    /// <c>SharedAccessSignature</c>). Azurite's: <c>UseDevelopmentStorage=true</c> or its full form.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The storage account's name; with <see cref="AccountKey"/> it signs requests with the shared key.</summary>
    public string? AccountName { get; set; }

    /// <summary>The account's access key (base64), used with <see cref="AccountName"/>.</summary>
    public string? AccountKey { get; set; }

    /// <summary>
    /// The blob service endpoint, e.g. <c>https://myaccount.blob.core.windows.net</c>. Defaults to that address
    /// for <see cref="AccountName"/>. Without <see cref="AccountKey"/> the driver signs in with a token credential;
    /// a URI carrying a SAS (<c>?sv=...&amp;sig=...</c>) is used as it is.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>
    /// The token credential used with <see cref="ServiceUri"/> or a key-less <see cref="AccountName"/>; when
    /// <c>null</c>, <c>DefaultAzureCredential</c>. Set in code only (it is not bound from configuration).
    /// </summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>The blob container holding the registry; created at first use when missing.</summary>
    public string? Container { get; set; }

    /// <summary>
    /// A prefix for every blob name, as the Go registry's <c>rootdirectory</c>: registry data lies under
    /// <c>&lt;RootDirectory&gt;/docker/registry/v2/</c>, so either registry can serve the other's container.
    /// Empty (the default) means the container's root. Leading and trailing slashes are ignored.
    /// </summary>
    public string RootDirectory { get; set; } = string.Empty;

    /// <summary>
    /// How long one attempt of one request may wait for the service (connecting, or between two reads of a
    /// response) before it counts as failed. With <see cref="MaxRetries"/> it bounds how long an operation can
    /// hang in an outage before the registry answers 503.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a failed request (network error, time-out, 5xx, throttling) is retried; 0 to 10.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// Size of the blocks uploads are cut into, in MiB (1 to <see cref="MaxBlockSizeMiB"/>): each write or append
    /// holds one block in memory at a time, so memory stays flat whatever the blob's size. A blob has at most
    /// 50,000 blocks, which bounds a blob at 50,000 × this size.
    /// </summary>
    public int BlockSizeMiB { get; set; } = 4;

    /// <summary>
    /// Pins the storage REST API version the client sends, e.g. <c>2025-01-05</c> (for emulators or Azure Stack
    /// that do not know the newest one). Empty means the client library's newest.
    /// </summary>
    public string? ServiceVersion { get; set; }
}
