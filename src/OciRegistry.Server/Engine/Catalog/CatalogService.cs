using OciRegistry.Storage;

namespace OciRegistry.Engine.Catalog;

/// <summary>
/// The repository catalog: every directory under <c>repositories/</c> that holds a <c>_manifests</c> folder,
/// found by walking the tree as distribution does.
/// </summary>
internal sealed class CatalogService(IBlobStore store)
{
    public async Task<Page> ListAsync(int? limit, string? last, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await WalkAsync(RegistryLayout.RepositoriesRoot, string.Empty, names, cancellationToken).ConfigureAwait(false);
        return Page.From(names, limit, last);
    }

    private async Task WalkAsync(string path, string name, List<string> names, CancellationToken cancellationToken)
    {
        var children = new List<StoreEntry>();
        await foreach (var entry in store.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            children.Add(entry);
        }

        if (name.Length > 0 && children.Exists(c => c.IsDirectory && c.Name == RegistryLayout.ManifestsFolder))
        {
            names.Add(name);
        }

        foreach (var child in children)
        {
            // Folders starting with '_' belong to the repository itself; a nested repository name never starts with one.
            if (child.IsDirectory && !child.Name.StartsWith('_'))
            {
                await WalkAsync(child.Path, name.Length == 0 ? child.Name : name + "/" + child.Name, names, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
