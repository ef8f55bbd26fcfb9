namespace OciRegistry.Api.Tests.Hosting;

/// <summary>The storage targets every API fixture runs against (the source of <c>[TestFixtureSource]</c>).</summary>
public static class RegistryTargets
{
    /// <summary>Add the S3 and Azure targets here; no test needs to change.</summary>
    public static IEnumerable<RegistryTarget> All()
    {
        yield return new FileSystemTarget();
    }
}
