using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.GarbageCollection;

/// <summary>Refuses, at start, garbage collection settings that cannot work, naming the key.</summary>
internal sealed class GarbageCollectionOptionsValidator : IValidateOptions<OciRegistryOptions>
{
    private const string Section = "OciRegistry:GarbageCollection";

    public ValidateOptionsResult Validate(string? name, OciRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.GarbageCollection;
        var failures = new List<string>();
        if (settings is null)
        {
            return ValidateOptionsResult.Fail($"{Section} must not be null.");
        }

        if (settings.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Interval must be positive (is {settings.Interval}).");
        }

        if (settings.GracePeriod < TimeSpan.Zero)
        {
            failures.Add($"{Section}:GracePeriod must not be negative (is {settings.GracePeriod}).");
        }

        if (settings.UploadPurgeAge <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:UploadPurgeAge must be positive (is {settings.UploadPurgeAge}).");
        }

        if (settings.SettleDelay < TimeSpan.Zero)
        {
            failures.Add($"{Section}:SettleDelay must not be negative (is {settings.SettleDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
