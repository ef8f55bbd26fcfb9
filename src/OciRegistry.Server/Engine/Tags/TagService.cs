using OciRegistry.Content;
using OciRegistry.Errors;
using OciRegistry.Storage;

namespace OciRegistry.Engine.Tags;

/// <summary>Tag listings, in lexical order with <c>n</c>/<c>last</c> pagination.</summary>
internal sealed class TagService(IBlobStore store)
{
    /// <summary>Lists tags after <paramref name="last"/>, at most <paramref name="limit"/> of them.</summary>
    /// <exception cref="OciRegistryException">NAME_UNKNOWN when the repository does not exist.</exception>
    public async Task<Page> ListAsync(RepositoryName name, int? limit, string? last, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        await foreach (var entry in store.ListAsync(RegistryLayout.Tags(name), cancellationToken).ConfigureAwait(false))
        {
            if (entry.IsDirectory && Tag.TryParse(entry.Name, out _))
            {
                tags.Add(entry.Name);
            }
        }

        if (tags.Count == 0 && !await RepositoryExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new OciRegistryException(OciErrorCode.NameUnknown, $"repository {name} is not known", new { name = name.Value });
        }

        return Page.From(tags, limit, last);
    }

    private async Task<bool> RepositoryExistsAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        await foreach (var entry in store.ListAsync(RegistryLayout.Repository(name), cancellationToken).ConfigureAwait(false))
        {
            if (entry.Name is RegistryLayout.ManifestsFolder or RegistryLayout.LayersFolder)
            {
                return true;
            }
        }

        return false;
    }
}
