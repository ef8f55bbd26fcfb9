using System.Formats.Tar;
using System.IO.Compression;

namespace OciRegistry.Integration.Tests.Images;

/// <summary>
/// Reads one file out of a tar stream: an image layer (gzip-compressed or not) or what <c>docker cp … -</c> writes.
/// </summary>
internal static class LayerArchive
{
    /// <summary>The content of the regular file at <paramref name="path"/>, or null when the archive has none.</summary>
    /// <param name="archive">A seekable stream at its start.</param>
    /// <param name="path">The file's path in the image, such as <c>/app/app.dll</c>.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async Task<byte[]?> ReadFileAsync(Stream archive, string path, CancellationToken cancellationToken)
    {
        if (!await IsGzipAsync(archive, cancellationToken))
        {
            return await FindAsync(archive, Normalize(path), cancellationToken);
        }

        await using var decompressed = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        return await FindAsync(decompressed, Normalize(path), cancellationToken);
    }

    private static async Task<byte[]?> FindAsync(Stream tar, string wanted, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if ((entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile) && Normalize(entry.Name) == wanted)
            {
                using var content = new MemoryStream();
                if (entry.DataStream is not null)
                {
                    await entry.DataStream.CopyToAsync(content, cancellationToken);
                }

                return content.ToArray();
            }
        }

        return null;
    }

    // Layers name entries "app/x", "./app/x" or "/app/x"; docker cp names them after the file alone.
    private static string Normalize(string path) => path.TrimStart('.').TrimStart('/');

    private static async Task<bool> IsGzipAsync(Stream archive, CancellationToken cancellationToken)
    {
        var magic = new byte[2];
        var read = await archive.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken);
        archive.Seek(-read, SeekOrigin.Current);
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
}
