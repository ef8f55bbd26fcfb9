using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace OciRegistry.Content;

/// <summary>
/// A content digest <c>algorithm:encoded</c> as the OCI image spec defines it. Only the registered algorithms
/// <c>sha256</c> (64 lowercase hex characters) and <c>sha512</c> (128) are accepted.
/// </summary>
public readonly record struct Digest
{
    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary>The algorithm: <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lowercase hex of the hash.</summary>
    public string Encoded { get; }

    /// <summary><c>true</c> for the default (uninitialised) value, which is no digest at all.</summary>
    public bool IsEmpty => Algorithm is null;

    /// <summary>Parses <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">The value is not a valid sha256 or sha512 digest.</exception>
    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"'{value}' is not a valid sha256 or sha512 digest.");

    /// <summary>Parses <paramref name="value"/>; returns <c>false</c> when it is not a valid sha256 or sha512 digest.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var algorithm = value[..colon];
        var encoded = value[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            DigestAlgorithm.Sha256 => 64,
            DigestAlgorithm.Sha512 => 128,
            _ => -1,
        };
        if (encoded.Length != expectedLength || !encoded.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        digest = new Digest(algorithm, encoded);
        return true;
    }

    /// <summary>Builds a digest from an algorithm name and the raw hash bytes.</summary>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) =>
        Parse(algorithm + ":" + Convert.ToHexStringLower(hash));

    /// <summary>Computes the digest of <paramref name="content"/> with <paramref name="algorithm"/> (sha256 by default).</summary>
    public static Digest Compute(ReadOnlySpan<byte> content, string algorithm = DigestAlgorithm.Sha256) => algorithm switch
    {
        DigestAlgorithm.Sha256 => FromHash(algorithm, SHA256.HashData(content)),
        DigestAlgorithm.Sha512 => FromHash(algorithm, SHA512.HashData(content)),
        _ => throw new ArgumentException($"Unsupported digest algorithm '{algorithm}'.", nameof(algorithm)),
    };

    /// <summary>Computes the digest of everything <paramref name="content"/> yields, streaming.</summary>
    public static async Task<Digest> ComputeAsync(Stream content, string algorithm = DigestAlgorithm.Sha256, CancellationToken cancellationToken = default)
    {
        using var hash = DigestAlgorithm.CreateHash(algorithm);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return FromHash(algorithm, hash.GetHashAndReset());
    }

    /// <inheritdoc />
    public override string ToString() => IsEmpty ? string.Empty : Algorithm + ":" + Encoded;
}
