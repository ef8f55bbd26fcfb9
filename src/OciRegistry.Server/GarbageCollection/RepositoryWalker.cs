using System.Collections.Concurrent;
using OciRegistry.Content;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// Finds every repository: each folder under <c>repositories/</c> holding <c>_manifests</c>, <c>_layers</c> or
/// <c>_uploads</c> (a repository whose blobs are pushed but whose manifest is not yet counts too). Each folder is
/// listed once, sibling folders in parallel.
/// </summary>
internal sealed class RepositoryWalker(IBlobStore store, int parallelism)
{
    public async Task<IReadOnlyList<RepositoryFolder>> FindAsync(CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<RepositoryFolder>();
        await VisitAsync(RegistryLayout.RepositoriesRoot, string.Empty, found, cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(folder => folder.Name.Value, StringComparer.Ordinal)];
    }

    private async Task VisitAsync(string path, string name, ConcurrentBag<RepositoryFolder> found, CancellationToken cancellationToken)
    {
        var subfolders = new List<(string Path, string Name)>();
        bool layers = false, manifests = false, uploads = false;
        await foreach (var entry in store.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (!entry.IsDirectory)
            {
                continue;
            }

            switch (entry.Name)
            {
                case RegistryLayout.LayersFolder:
                    layers = true;
                    break;
                case RegistryLayout.ManifestsFolder:
                    manifests = true;
                    break;
                case RegistryLayout.UploadsFolder:
                    uploads = true;
                    break;
                default:
                    // Other '_' folders belong to the repository (referrers); a name component never starts with one.
                    if (!entry.Name.StartsWith('_'))
                    {
                        subfolders.Add((entry.Path, name.Length == 0 ? entry.Name : name + "/" + entry.Name));
                    }

                    break;
            }
        }

        if (layers || manifests || uploads)
        {
            // Skipping a repository would leave its blobs unmarked and delete them: refuse to collect instead.
            if (!RepositoryName.TryParse(name, out var repository))
            {
                throw new InvalidOperationException(
                    $"Storage folder '{path}' holds repository data but '{name}' is not a valid repository name; garbage collection cannot mark it and stops.");
            }

            found.Add(new RepositoryFolder(repository, layers, manifests, uploads));
        }

        await Parallel.ForEachAsync(subfolders, Options(cancellationToken),
            (folder, token) => new ValueTask(VisitAsync(folder.Path, folder.Name, found, token))).ConfigureAwait(false);
    }

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
}
