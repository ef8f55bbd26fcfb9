using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// OpenStack Swift with its S3 API (<c>eng/services/s3-swift.sh</c>) for the S3 driver. An instance takes five
/// ports: the proxy (the S3 endpoint), the object, container and account servers, and memcached.
/// </summary>
internal sealed class SwiftS3Service()
    : StorageService("s3", "s3-swift", "S3", [EndpointVariable, AccessKeyVariable, SecretKeyVariable, RegionVariable],
        "OCIREGISTRY_SWIFT_DIR", "OCIREGISTRY_SWIFT_PORT", portCount: 5)
{
    public const string EndpointVariable = "OCIREGISTRY_TEST_S3_ENDPOINT";
    public const string AccessKeyVariable = "OCIREGISTRY_TEST_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "OCIREGISTRY_TEST_S3_SECRET_KEY";
    public const string RegionVariable = "OCIREGISTRY_TEST_S3_REGION";

    // S3's smallest part.
    public override (string Key, string Value) SmallPartsSetting => ("S3:PartSizeMiB", "5");

    // Its data lies in the state folder on disk; only the script's stop deletes it.
    public override bool KeepsDataAcrossRestart => true;

    public override HostStorage CreateStorage(IReadOnlyDictionary<string, string> variables, string name) =>
        new($"S3 bucket {name} at {variables[EndpointVariable]}", null,
        [
            new("Driver", Driver),
            new("S3:ServiceUrl", variables[EndpointVariable]),
            new("S3:AccessKeyId", variables[AccessKeyVariable]),
            new("S3:SecretAccessKey", variables[SecretKeyVariable]),
            new("S3:Region", variables[RegionVariable]),
            new("S3:ForcePathStyle", "true"),
            new("S3:Bucket", name),
        ]);

    // Every server leads a process group of its own (the script starts each with setsid) and names the state
    // folder on its command line.
    public override IEnumerable<(string PidFile, string CommandLineMark)> ProcessGroups(string stateDirectory, int firstPort) =>
        new[] { "proxy", "object", "container", "account", "memcached" }
            .Select(server => (Path.Combine(stateDirectory, "run", $"{server}.pid"), stateDirectory));
}
