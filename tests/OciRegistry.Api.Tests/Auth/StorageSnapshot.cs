using System.Security.Cryptography;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>Every file under a registry's root folder with a hash of its content: what "storage unchanged" compares.</summary>
public sealed class StorageSnapshot
{
    private readonly SortedDictionary<string, string> files;

    private StorageSnapshot(SortedDictionary<string, string> files) => this.files = files;

    /// <summary>The relative paths of the files.</summary>
    public IReadOnlyCollection<string> Paths => files.Keys;

    public static StorageSnapshot Take(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(root))
        {
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                try
                {
                    files[Path.GetRelativePath(root, path)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
                }
                catch (IOException)
                {
                    // Deleted while listing: a request still finishing.
                }
            }
        }

        return new StorageSnapshot(files);
    }

    /// <summary>Asserts the storage under <paramref name="root"/> holds exactly what this snapshot held.</summary>
    public void AssertUnchanged(string root, string what)
    {
        if (Difference(root) is { } difference)
        {
            Assert.Fail($"{what}: storage changed. {difference}");
        }
    }

    /// <summary>What differs between this snapshot and the storage under <paramref name="root"/> now; null when nothing.</summary>
    public string? Difference(string root)
    {
        var now = Take(root);
        var added = now.files.Keys.Except(files.Keys).ToList();
        var removed = files.Keys.Except(now.files.Keys).ToList();
        var changed = files.Keys.Intersect(now.files.Keys).Where(k => files[k] != now.files[k]).ToList();
        return added.Count + removed.Count + changed.Count == 0
            ? null
            : $"Added: [{string.Join(", ", added)}] removed: [{string.Join(", ", removed)}] changed: [{string.Join(", ", changed)}]";
    }
}
