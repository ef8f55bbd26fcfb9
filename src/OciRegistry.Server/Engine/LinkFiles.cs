using System.Text;
using OciRegistry.Content;
using OciRegistry.Storage;

namespace OciRegistry.Engine;

/// <summary>Reads and writes distribution's link files: a small object holding one digest as text.</summary>
internal sealed class LinkFiles(IBlobStore store)
{
    public async Task<Digest?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            await using var stream = await store.OpenReadAsync(path, 0, 1024, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorePathNotFoundException)
        {
            return null;
        }

        // A damaged link is treated as absent rather than failing every request that touches it.
        return Digest.TryParse(text.Trim(), out var digest) ? digest : null;
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) =>
        await store.GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not null;

    public async Task WriteAsync(string path, Digest digest, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(digest.ToString()));
        await store.WriteAsync(path, content, cancellationToken).ConfigureAwait(false);
    }
}
