using System.Text;

namespace OciRegistry.Api.Tests.Client;

/// <summary>The exact bytes of a manifest a test pushes, the media type it is sent with, and its digest.</summary>
public sealed class TestManifest(byte[] content, string mediaType)
{
    public byte[] Content { get; } = content;

    public string MediaType { get; } = mediaType;

    public string Digest { get; } = ContentDigest.Sha256(content);

    public long Size => Content.Length;

    public static TestManifest FromText(string json, string mediaType) => new(Encoding.UTF8.GetBytes(json), mediaType);
}
