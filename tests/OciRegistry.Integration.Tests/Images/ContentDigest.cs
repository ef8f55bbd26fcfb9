using System.Security.Cryptography;

namespace OciRegistry.Integration.Tests.Images;

/// <summary>
/// sha256 digests computed here, independently of the registry's own digest code, so a shared bug cannot hide.
/// </summary>
internal static class ContentDigest
{
    public static string Of(ReadOnlySpan<byte> content) => Format(SHA256.HashData(content));

    public static string Format(byte[] sha256) => "sha256:" + Convert.ToHexStringLower(sha256);
}
