using System.Globalization;
using System.Text;

namespace OciRegistry.Storage.Azure;

/// <summary>
/// Names of staged blocks. Each write or append call takes a fresh token, so two writers to one blob never
/// overwrite each other's blocks; every id has the same length, as Azure requires of all blocks of a blob.
/// </summary>
internal static class BlockIds
{
    /// <summary>A fresh token for one write or one append call: 32 hex digits.</summary>
    public static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>The base64 block id of block number <paramref name="index"/> of the call <paramref name="token"/>.</summary>
    public static string For(string token, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(token + index.ToString("D8", CultureInfo.InvariantCulture)));
}
