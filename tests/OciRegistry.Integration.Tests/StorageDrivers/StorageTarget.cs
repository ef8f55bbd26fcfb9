using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// A storage driver a real-client fixture runs against (the source of its <c>[TestFixtureSource]</c>): every
/// test gets fresh storage of its own, a folder of its work directory or a new bucket or container on the
/// shared server.
/// </summary>
internal sealed class StorageTarget
{
    private readonly Func<TemporaryDirectory, HostStorage> create;

    private StorageTarget(string name, Func<TemporaryDirectory, HostStorage> create)
    {
        Name = name;
        this.create = create;
    }

    /// <summary>The name the fixtures carry in test results: <c>filesystem</c>, <c>s3</c>, <c>azure</c>.</summary>
    public string Name { get; }

    /// <summary>Every driver; a fixture using this source runs once per driver.</summary>
    public static IEnumerable<StorageTarget> All()
    {
        yield return new StorageTarget("filesystem", work => HostStorage.FileSystem(work.Combine("root", create: true)));
        foreach (var service in new StorageService[] { new SwiftS3Service(), new AzuriteService() })
        {
            yield return new StorageTarget(service.Driver, _ => StorageServer.Shared(service).NewStorage());
        }
    }

    /// <summary>Fresh storage for one test's host; ends the test when the driver's server is not available.</summary>
    public HostStorage CreateStorage(TemporaryDirectory work) => create(work);

    /// <summary>NUnit names the fixture after this.</summary>
    public override string ToString() => Name;
}
