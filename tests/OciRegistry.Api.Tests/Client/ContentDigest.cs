using System.Security.Cryptography;

namespace OciRegistry.Api.Tests.Client;

/// <summary>Digests computed by the tests themselves, so a digest bug in the registry cannot hide behind its own code.</summary>
public static class ContentDigest
{
    public static string Sha256(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Sha512(ReadOnlySpan<byte> content) => "sha512:" + Convert.ToHexStringLower(SHA512.HashData(content));

    /// <summary>A well-formed sha256 digest of content nobody pushed.</summary>
    public static string Unknown() => Sha256(Guid.NewGuid().ToByteArray());
}
