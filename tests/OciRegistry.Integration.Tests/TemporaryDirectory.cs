namespace OciRegistry.Integration.Tests;

/// <summary>A fresh, empty folder under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = Directory.CreateTempSubdirectory("ociregistry-it-").FullName;
    }

    public string Path { get; }

    /// <summary>The path of a child of this folder; the child is created only if <paramref name="create"/> is set.</summary>
    public string Combine(string name, bool create = false)
    {
        var path = System.IO.Path.Combine(Path, name);
        if (create)
        {
            Directory.CreateDirectory(path);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TestContext.Progress.WriteLine($"Could not delete {Path}: {exception.Message}");
        }
    }
}
