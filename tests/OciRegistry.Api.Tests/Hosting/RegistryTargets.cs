namespace OciRegistry.Api.Tests.Hosting;

/// <summary>The storage targets every API fixture runs against (the source of <c>[TestFixtureSource]</c>).</summary>
public static class RegistryTargets
{
    /// <summary>Every driver; a new one is added here and no test needs to change.</summary>
    public static IEnumerable<RegistryTarget> All()
    {
        yield return new FileSystemTarget();
        yield return new S3Target();
        yield return new AzureTarget();
    }
}
