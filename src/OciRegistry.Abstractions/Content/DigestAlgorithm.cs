using System.Security.Cryptography;

namespace OciRegistry.Content;

/// <summary>The digest algorithms the registry accepts.</summary>
public static class DigestAlgorithm
{
    /// <summary>SHA-256, the canonical algorithm: every blob is stored under its sha256 digest.</summary>
    public const string Sha256 = "sha256";

    /// <summary>SHA-512, accepted for manifests and for verifying uploads.</summary>
    public const string Sha512 = "sha512";

    /// <summary>Creates an incremental hash for <paramref name="algorithm"/>.</summary>
    public static IncrementalHash CreateHash(string algorithm) => algorithm switch
    {
        Sha256 => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        Sha512 => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        _ => throw new ArgumentException($"Unsupported digest algorithm '{algorithm}'.", nameof(algorithm)),
    };
}
