using OciRegistry.Integration.Tests.StorageDrivers;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// Which storage drivers each scale-out fixture runs on (its <c>[TestFixtureSource]</c>). Every fixture runs on the
/// filesystem; the object stores are shared out so that the folder stays within a few minutes on two cores: S3
/// (multipart uploads, append locks and state objects that outlive a killed host) takes the alternating instances,
/// restarts and kills in the middle of a chunk, and the kill loop (a killed host's append locks must not stall the
/// uploads it cut off); Azure (commits guarded by ETags, server-side copies) the concurrent pushers. The throughput
/// figures (the registry's own cost, not a storage emulator's) run on the filesystem alone.
/// </summary>
internal static class ScaleOutTargets
{
    public static IEnumerable<StorageTarget> FileSystemAndS3() => Named("filesystem", "s3");

    public static IEnumerable<StorageTarget> FileSystemAndAzure() => Named("filesystem", "azure");

    public static IEnumerable<StorageTarget> FileSystem() => Named("filesystem");

    private static IEnumerable<StorageTarget> Named(params string[] names) => StorageTarget.All().Where(target => names.Contains(target.Name));
}
