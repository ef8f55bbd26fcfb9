using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OciRegistry.Storage.Azure;

/// <summary>Refuses unusable settings at start, naming the configuration key at fault.</summary>
internal sealed partial class AzureBlobStoreOptionsValidator : IValidateOptions<AzureBlobStoreOptions>
{
    private const string Section = "OciRegistry:Storage:Azure:";

    public ValidateOptionsResult Validate(string? name, AzureBlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateAccount(options, failures);
        ValidateContainer(options.Container, failures);
        ValidateRootDirectory(options.RootDirectory, failures);

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{Section}Timeout must be between 00:00:00.001 and 01:00:00 (it is {options.Timeout}).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Section}MaxRetries must be between 0 and 10 (it is {options.MaxRetries}).");
        }

        if (options.BlockSizeMiB is < 1 or > AzureBlobStoreOptions.MaxBlockSizeMiB)
        {
            failures.Add($"{Section}BlockSizeMiB must be between 1 and {AzureBlobStoreOptions.MaxBlockSizeMiB} (it is {options.BlockSizeMiB}).");
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceVersion) && !AzureBlobClientFactory.TryParseServiceVersion(options.ServiceVersion, out _))
        {
            failures.Add($"{Section}ServiceVersion '{options.ServiceVersion}' is not a storage API version this client knows (e.g. 2025-01-05).");
        }

        if (failures.Count == 0)
        {
            // The client checks what only it can (a connection string's syntax) without any I/O.
            try
            {
                AzureBlobClientFactory.CreateContainerClient(options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                var key = string.IsNullOrWhiteSpace(options.ConnectionString) ? "ServiceUri" : "ConnectionString";
                failures.Add($"{Section}{key} is not usable: {e.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateAccount(AzureBlobStoreOptions options, List<string> failures)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasName = !string.IsNullOrWhiteSpace(options.AccountName);
        var hasKey = !string.IsNullOrWhiteSpace(options.AccountKey);
        var hasUri = options.ServiceUri is not null;

        if (hasConnectionString)
        {
            if (hasName || hasKey || hasUri)
            {
                failures.Add($"{Section}ConnectionString cannot be combined with {Section}AccountName, AccountKey or ServiceUri: set one way to reach the account.");
            }

            return;
        }

        if (!hasName && !hasUri)
        {
            failures.Add($"The Azure driver needs an account: set {Section}ConnectionString, or {Section}AccountName and {Section}AccountKey, " +
                         $"or {Section}ServiceUri (signed in with DefaultAzureCredential).");
            return;
        }

        if (hasKey && !hasName)
        {
            failures.Add($"{Section}AccountKey needs {Section}AccountName.");
        }

        if (hasKey && !IsBase64(options.AccountKey!))
        {
            failures.Add($"{Section}AccountKey is not a base64 access key.");
        }

        if (hasName && !AccountNamePattern().IsMatch(options.AccountName!.Trim()))
        {
            failures.Add($"{Section}AccountName '{options.AccountName}' is not a storage account name (3-24 lower-case letters and digits).");
        }

        if (hasUri)
        {
            var uri = options.ServiceUri!;
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{Section}ServiceUri '{uri}' must be an absolute http(s) URL such as https://myaccount.blob.core.windows.net.");
            }
            else if (hasKey && AzureBlobClientFactory.CarriesSas(uri))
            {
                failures.Add($"{Section}ServiceUri carries a SAS token; it cannot be combined with {Section}AccountKey.");
            }
        }
    }

    private static void ValidateContainer(string? container, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(container))
        {
            failures.Add($"{Section}Container must name the blob container holding the registry.");
        }
        else if (!ContainerNamePattern().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
        {
            failures.Add($"{Section}Container '{container}' is not a valid container name (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit).");
        }
    }

    private static void ValidateRootDirectory(string? rootDirectory, List<string> failures)
    {
        var prefix = AzureBlobClientFactory.RootPrefix(rootDirectory);
        if (prefix.Length == 0)
        {
            return;
        }

        try
        {
            StorePath.Validate(prefix.TrimEnd('/'));
        }
        catch (InvalidStorePathException e)
        {
            failures.Add($"{Section}RootDirectory '{rootDirectory}' is not usable as a blob name prefix: {e.Message}");
        }
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written > 0;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerNamePattern();

    [GeneratedRegex("^[a-z0-9]{3,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountNamePattern();
}
