using System.Security.Cryptography;
using System.Text;

namespace OciRegistry.Api.Tests.Client;

/// <summary>Blob content a test pushes, with its sha256 digest.</summary>
public sealed class TestBlob(byte[] content)
{
    public byte[] Content { get; } = content;

    public string Digest { get; } = ContentDigest.Sha256(content);

    public long Size => Content.Length;

    public static TestBlob Random(int size = 64) => new(RandomNumberGenerator.GetBytes(size));

    public static TestBlob Text(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>A config blob: unique JSON, so no two tests share it by accident.</summary>
    public static TestBlob Config() => Text($$"""{"architecture":"amd64","os":"linux","test":"{{Guid.NewGuid():N}}"}""");

    public static TestBlob Empty { get; } = new([]);
}
