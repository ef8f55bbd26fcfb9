using System.Security.Cryptography;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.GarbageCollection;

/// <summary>
/// <c>garbage-collect</c> on a registry whose configuration says <c>OciRegistry:ReadOnly=true</c> (storage being migrated
/// or backed up): it deletes nothing and says why (exit code 3), a dry run still reports, and the operator's own
/// <c>--OciRegistry:ReadOnly=false</c> on its command line collects.
/// </summary>
internal sealed class ReadOnlyGarbageCollectCommandTests : HostCommandTest
{
    [Test]
    public async Task On_a_read_only_registry_it_deletes_nothing_unless_its_command_line_says_otherwise()
    {
        var root = Work.Combine("root", create: true);
        var (digest, data) = WriteStrayBlob(root);

        var refused = await CollectAsync(root);
        var dryRun = await CollectAsync(root, "--dry-run");
        var keptThroughBoth = File.Exists(data);
        var collected = await CollectAsync(root, "--OciRegistry:ReadOnly=false");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.ExitCode, Is.EqualTo(3), refused.ToString());
            Assert.That(refused.StandardError, Does.Contain("not run, the registry is read-only (OciRegistry:ReadOnly)"), refused.ToString());
            Assert.That(dryRun.ExitCode, Is.EqualTo(0), dryRun.ToString());
            Assert.That(dryRun.StandardOutputText, Does.Contain($"would delete blob {digest}"), dryRun.ToString());
            Assert.That(keptThroughBoth, Is.True, "the blob is still there after the refused run and the dry run");
            Assert.That(collected.ExitCode, Is.EqualTo(0), collected.ToString());
            Assert.That(collected.StandardOutputText, Does.Contain($"deleted blob {digest}"), collected.ToString());
            Assert.That(File.Exists(data), Is.False, "collected once the command line switched read-only off");
        }
    }

    /// <summary>Runs the command with read-only set in the environment, as appsettings.json or a platform would set it.</summary>
    private static Task<ProgramResult> CollectAsync(string root, params string[] arguments) =>
        GoConfiguredRegistry.RunOursAsync(
            ["garbage-collect", .. arguments, $"--OciRegistry:Storage:FileSystem:RootDirectory={root}",
                "--OciRegistry:GarbageCollection:GracePeriod=00:00:00", "--OciRegistry:GarbageCollection:SettleDelay=00:00:00"],
            new Dictionary<string, string?> { ["OciRegistry__ReadOnly"] = "true", ["VCAP_SERVICES"] = null },
            Cancellation);

    /// <summary>Blob data no repository links, in the Go registry's layout.</summary>
    private static (string Digest, string Path) WriteStrayBlob(string root)
    {
        var content = RandomNumberGenerator.GetBytes(100);
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        var path = Path.Combine(root, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return ("sha256:" + hex, path);
    }
}
