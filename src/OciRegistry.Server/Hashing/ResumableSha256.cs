using System.Buffers.Binary;
using System.Runtime.InteropServices;
using OciRegistry.Content;

namespace OciRegistry.Hashing;

/// <summary>
/// SHA-256 whose running state can be saved to storage and resumed by another process, so an upload continued
/// on another instance is not read back. .NET's IncrementalHash cannot export its state; this calls the
/// platform's libcrypto (OpenSSL 3, which .NET itself uses on Linux) on a context it owns, at the same speed.
/// </summary>
/// <remarks>
/// The saved state uses the binary format of Go's <c>crypto/sha256</c> (<c>MarshalBinary</c>), which is what the
/// Go registry writes to <c>_uploads/&lt;id&gt;/hashstates/sha256/&lt;offset&gt;</c>: either registry can resume the
/// other's uploads.
/// </remarks>
internal sealed partial class ResumableSha256
{
    private const string LibCrypto = "libcrypto.so.3";

    // OpenSSL's SHA256_CTX: uint h[8]; uint Nl, Nh; uint data[16]; uint num, md_len.
    private const int ContextSize = 112;
    private const int BlockSize = 64;
    private const int HOffset = 0;
    private const int NlOffset = 32;
    private const int NhOffset = 36;
    private const int DataOffset = 40;
    private const int NumOffset = 104;
    private const int MdLenOffset = 108;

    // Go: "sha\x03" + h[8] big-endian + 64-byte block buffer + length in bytes (uint64 big-endian).
    private static ReadOnlySpan<byte> GoMagic => "sha\x03"u8;
    private const int GoStateSize = 4 + 32 + BlockSize + 8;

    private static readonly Lazy<bool> Supported = new(Probe);

    private readonly byte[] _context = new byte[ContextSize];

    private ResumableSha256()
    {
    }

    /// <summary>Whether the platform's libcrypto could be loaded.</summary>
    public static bool IsSupported => Supported.Value;

    /// <summary>Bytes hashed so far.</summary>
    public long Length { get; private set; }

    /// <summary>A new hash, or <c>null</c> when the platform has no usable libcrypto.</summary>
    public static ResumableSha256? TryCreate()
    {
        if (!IsSupported)
        {
            return null;
        }

        var hash = new ResumableSha256();
        Check(SHA256_Init(ref hash._context[0]));
        return hash;
    }

    /// <summary>Resumes from a state saved by <see cref="SaveState"/> (or by the Go registry); <c>null</c> when it is not one.</summary>
    public static ResumableSha256? TryRestore(ReadOnlySpan<byte> state)
    {
        if (!IsSupported || state.Length != GoStateSize || !state[..4].SequenceEqual(GoMagic))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt64BigEndian(state[(GoStateSize - 8)..]);
        if (length > long.MaxValue / 8)
        {
            return null;
        }

        var hash = new ResumableSha256 { Length = (long)length };
        var context = hash._context.AsSpan();
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(context[(HOffset + (i * 4))..], BinaryPrimitives.ReadUInt32BigEndian(state[(4 + (i * 4))..]));
        }

        var bits = length * 8;
        BinaryPrimitives.WriteUInt32LittleEndian(context[NlOffset..], (uint)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(context[NhOffset..], (uint)(bits >> 32));
        var buffered = (int)(length % BlockSize);
        state.Slice(36, buffered).CopyTo(context[DataOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(context[NumOffset..], (uint)buffered);
        BinaryPrimitives.WriteUInt32LittleEndian(context[MdLenOffset..], 32);
        return hash;
    }

    /// <summary>Hashes more bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Check(SHA256_Update(ref _context[0], ref MemoryMarshal.GetReference(data), (nuint)data.Length));
        Length += data.Length;
    }

    /// <summary>The state after <see cref="Length"/> bytes, in Go's format.</summary>
    public byte[] SaveState()
    {
        var state = new byte[GoStateSize];
        GoMagic.CopyTo(state);
        var context = _context.AsSpan();
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(state.AsSpan(4 + (i * 4)), BinaryPrimitives.ReadUInt32LittleEndian(context[(HOffset + (i * 4))..]));
        }

        var buffered = (int)(Length % BlockSize);
        context.Slice(DataOffset, buffered).CopyTo(state.AsSpan(36));
        BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(GoStateSize - 8), (ulong)Length);
        return state;
    }

    /// <summary>The digest of everything hashed so far; the hash can go on afterwards.</summary>
    public Digest GetDigest()
    {
        var copy = (byte[])_context.Clone();
        Span<byte> result = stackalloc byte[32];
        Check(SHA256_Final(ref MemoryMarshal.GetReference(result), ref copy[0]));
        return Digest.FromHash(DigestAlgorithm.Sha256, result);
    }

    private static bool Probe()
    {
        try
        {
            var context = new byte[ContextSize];
            return SHA256_Init(ref context[0]) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    private static void Check(int result)
    {
        if (result != 1)
        {
            throw new InvalidOperationException("libcrypto SHA-256 failed.");
        }
    }

    [LibraryImport(LibCrypto)]
    private static partial int SHA256_Init(ref byte context);

    [LibraryImport(LibCrypto)]
    private static partial int SHA256_Update(ref byte context, ref byte data, nuint length);

    [LibraryImport(LibCrypto)]
    private static partial int SHA256_Final(ref byte digest, ref byte context);
}
