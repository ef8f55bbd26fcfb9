using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Hosting;

/// <summary>
/// The built host, serving or running <c>garbage-collect</c>, given a configuration it cannot use: it ends with exit
/// code 1 and one line on standard error naming what is wrong, never a stack trace. A malformed <c>VCAP_SERVICES</c>
/// (its binding named), as a malformed Go registry file already did; an unknown driver; a setting a validator refuses
/// or that does not convert to its type.
/// </summary>
internal sealed class StartupConfigurationErrorTests : HostCommandTest
{
    private static readonly string[][] Commands = [[], ["garbage-collect"]];

    [TestCase("{\"user-provided\": [", "VCAP_SERVICES is malformed: it is not valid JSON")]
    [TestCase("""{"user-provided":[{"name":"registry-storage","credentials":{"driver":"s4"}}]}""",
        "VCAP_SERVICES is malformed: binding 'registry-storage' (user-provided) names driver 's4'")]
    [TestCase("""{"aws-s3":[{"name":"images","credentials":{"bucket":"b","access_key_id":"k"}}]}""",
        "VCAP_SERVICES is malformed: binding 'images' (aws-s3) looks like S3 storage but has no 'secret_access_key'")]
    public async Task A_malformed_VCAP_SERVICES_ends_the_host_with_one_line_naming_the_binding(string vcapServices, string expected)
    {
        foreach (var command in Commands)
        {
            AssertOneLineError(await RunHostAsync(command, [], vcapServices), expected);
        }
    }

    [TestCase("--OciRegistry:Storage:Driver=s4", "OciRegistry:Storage:Driver is 's4'; this host knows: filesystem, azure, s3.")]
    [TestCase("--OciRegistry:GarbageCollection:Interval=-00:00:01", "OciRegistry:GarbageCollection:Interval must be positive")]
    [TestCase("--OciRegistry:MaxManifestBytes=lots", "'lots' at 'OciRegistry:MaxManifestBytes'")]
    public async Task A_bad_setting_ends_the_host_with_one_line_naming_the_key(string setting, string expected)
    {
        foreach (var command in Commands)
        {
            AssertOneLineError(await RunHostAsync(command, [setting], vcapServices: null), expected);
        }
    }

    // A host that, against the test, starts serving is killed after ExternalProgram's time limit.
    private Task<ProgramResult> RunHostAsync(string[] command, string[] settings, string? vcapServices) =>
        GoConfiguredRegistry.RunOursAsync(
            [.. command, "--urls", "http://127.0.0.1:0", $"--OciRegistry:Storage:FileSystem:RootDirectory={Work.Combine("root")}", .. settings],
            new Dictionary<string, string?> { ["VCAP_SERVICES"] = vcapServices, ["VCAP_APPLICATION"] = null },
            Cancellation);

    private static void AssertOneLineError(ProgramResult result, string expected)
    {
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
            Assert.That(result.StandardError, Does.Contain(expected), result.ToString());
            Assert.That(result.StandardError + result.StandardOutputText, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace: " + result);
        }
    }
}
