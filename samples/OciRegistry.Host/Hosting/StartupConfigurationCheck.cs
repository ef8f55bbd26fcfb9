using Microsoft.Extensions.Options;

namespace OciRegistry.Host.Hosting;

/// <summary>
/// Checks the registry's settings before the host starts, so that a bad one ends it as a malformed Go registry file or
/// <c>VCAP_SERVICES</c> does: its message, naming the key, as one line on standard error, and exit code 1; no stack
/// trace, which the host's own start would print (an options validator's refusal, a value that does not convert).
/// </summary>
internal static class StartupConfigurationCheck
{
    /// <summary>Runs every <c>ValidateOnStart</c> check now; prints the problem and returns <c>false</c> when one fails.</summary>
    public static bool TryValidateConfiguration(this IHost host)
    {
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
            return true;
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            Console.Error.WriteLine(e.Message);
            return false;
        }
    }

    /// <summary>
    /// A refused setting: an options validator's failure, or a value the configuration binder could not convert to
    /// its setting's type (its message names the key and the value).
    /// </summary>
    public static bool IsConfigurationError(Exception e) =>
        e is OptionsValidationException || e is InvalidOperationException { InnerException: FormatException or ArgumentException or OverflowException };
}
