using System.Collections.Concurrent;

namespace OciRegistry.Embedding;

/// <summary>The application's own state: the builds posted to it, in memory, in the order they came.</summary>
internal sealed class BuildLog
{
    private readonly ConcurrentQueue<BuildRecord> builds = new();

    public void Add(BuildRecord build) => builds.Enqueue(build);

    public IReadOnlyList<BuildRecord> All() => [.. builds];
}
