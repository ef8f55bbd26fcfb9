using Microsoft.Extensions.Options;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>Checks <see cref="S3BlobStoreOptions"/> at start, naming the configuration key that is wrong.</summary>
internal sealed class S3BlobStoreOptionsValidator : IValidateOptions<S3BlobStoreOptions>
{
    private const string Section = "OciRegistry:Storage:S3";

    public ValidateOptionsResult Validate(string? name, S3BlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            failures.Add($"{Section}:Bucket must name the bucket.");
        }
        else if (options.Bucket.Length is < 3 or > 63 || options.Bucket.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
        {
            failures.Add($"{Section}:Bucket '{options.Bucket}' is no bucket name: 3 to 63 letters, digits, '.', '-' or '_'.");
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceUrl) &&
            (!Uri.TryCreate(options.ServiceUrl.Trim(), UriKind.Absolute, out var serviceUrl) || (serviceUrl.Scheme != Uri.UriSchemeHttp && serviceUrl.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Section}:ServiceUrl '{options.ServiceUrl}' must be an absolute http:// or https:// URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.Region) && options.Region.Trim().Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            failures.Add($"{Section}:Region '{options.Region}' is no region name (such as us-east-1).");
        }

        if (string.IsNullOrWhiteSpace(options.AccessKeyId) != string.IsNullOrWhiteSpace(options.SecretAccessKey))
        {
            failures.Add($"{Section}:AccessKeyId and {Section}:SecretAccessKey go together: set both, or neither to use the SDK's default credentials.");
        }

        if (options.PartSizeMiB is < S3BlobStoreOptions.MinimumPartSizeMiB or > S3BlobStoreOptions.MaximumPartSizeMiB)
        {
            failures.Add($"{Section}:PartSizeMiB is {options.PartSizeMiB}; it must be from {S3BlobStoreOptions.MinimumPartSizeMiB} to {S3BlobStoreOptions.MaximumPartSizeMiB}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{Section}:Timeout is {options.Timeout}; it must be positive and at most an hour (such as 00:00:30).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Section}:MaxRetries is {options.MaxRetries}; it must be from 0 to 10.");
        }

        var root = (options.RootDirectory ?? string.Empty).Trim('/');
        if (root.Length > 0)
        {
            try
            {
                StorePath.Validate(root);
            }
            catch (InvalidStorePathException e)
            {
                failures.Add($"{Section}:RootDirectory '{options.RootDirectory}' is no valid key prefix: {e.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
