namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// Where store paths and the driver's own objects lie in the bucket. Objects sit at
/// <c>&lt;root&gt;/&lt;path&gt;</c>, exactly where the Go registry's S3 driver puts them for the same
/// <c>rootdirectory</c>. The state of unfinished appends lies in a tree of its own,
/// <c>&lt;root&gt;/~oci-appends/&lt;path&gt;/~...</c>: store paths never contain <c>~</c>, so no object path reaches
/// into it, listings of the root leave it out, and a name under it that starts with <c>~</c> belongs to the append
/// at exactly that path, never to one at a longer path.
/// </summary>
internal sealed class S3KeyLayout
{
    private const string AppendsFolder = "~oci-appends/";

    private readonly string _root;

    public S3KeyLayout(string? rootDirectory)
    {
        var trimmed = (rootDirectory ?? string.Empty).Trim('/');
        _root = trimmed.Length == 0 ? string.Empty : trimmed + "/";
    }

    /// <summary>The prefix of every key the driver uses: empty, or the root directory with a trailing slash.</summary>
    public string Root => _root;

    /// <summary>The key of the object at <paramref name="path"/> (not the root).</summary>
    public string ObjectKey(string path) => _root + path;

    /// <summary>The prefix of the keys under the directory <paramref name="path"/>, the root included.</summary>
    public string DirectoryPrefix(string path) => path.Length == 0 ? _root : _root + path + "/";

    /// <summary>The store path of a key under <see cref="Root"/>.</summary>
    public string PathOf(string key) => key[_root.Length..];

    /// <summary>The prefix of the driver's own keys for the appends at <paramref name="path"/> and under it.</summary>
    public string AppendsPrefix(string path) => path.Length == 0 ? _root + AppendsFolder : _root + AppendsFolder + path + "/";

    /// <summary>The prefix of the driver's own keys for the append at exactly <paramref name="path"/>.</summary>
    public string AppendFilesPrefix(string path) => AppendsPrefix(path) + "~";

    /// <summary>The key of the state of the append at <paramref name="path"/>.</summary>
    public string AppendStateKey(string path) => AppendFilesPrefix(path) + "state";

    /// <summary>True for the key of an append's state, as listed under <see cref="AppendsPrefix"/>.</summary>
    public static bool IsAppendStateKey(string key) => key.EndsWith("/~state", StringComparison.Ordinal);

    /// <summary>The store path of the append whose state lies at <paramref name="stateKey"/>.</summary>
    public string AppendPathOfStateKey(string stateKey) =>
        stateKey[(_root.Length + AppendsFolder.Length)..^"/~state".Length];

    /// <summary>The prefix of the lock objects of the appends running at <paramref name="path"/>.</summary>
    public string AppendLockPrefix(string path) => AppendFilesPrefix(path) + "lock-";

    /// <summary>A fresh key for the not-yet-a-part bytes of the append at <paramref name="path"/>.</summary>
    public string NewAppendTailKey(string path) => AppendFilesPrefix(path) + "tail-" + Guid.NewGuid().ToString("N");
}
