namespace OciRegistry.Api.Tests.Hosting;

/// <summary>
/// A target whose storage is a server started by <c>eng/test.sh</c> (S3 on Swift, Azurite) and named by an
/// environment variable. Without the variable its fixtures are ignored locally but fail on CI (<c>CI=true</c>),
/// where the server must be running.
/// </summary>
public abstract class ServiceTarget(string variable, string startHint) : RegistryTarget
{
    /// <summary>The variable's value, or <c>null</c>.</summary>
    protected string? Setting => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;

    public override string? UnavailableReason =>
        Setting is null && !IsCi ? $"{variable} is not set; start the server with {startHint}" : null;

    /// <summary>The variable's value; on CI without it, a failure that says how to start the server.</summary>
    protected string RequireSetting() =>
        Setting ?? throw new InvalidOperationException($"{variable} is not set: eng/test.sh starts the server ({startHint}).");

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
