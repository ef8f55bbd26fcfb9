using System.Text.Json.Serialization;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// What an unfinished append consists of, kept as one small JSON object in the bucket: an S3 multipart upload on
/// the object's own key holding the appended bytes in whole parts of at least 5 MiB, followed by a tail of fewer
/// bytes in an object of its own. Rewriting this object is the commit point of every append, so any process sees
/// the same length and can continue.
/// </summary>
internal sealed record AppendState
{
    /// <summary>The multipart upload on the object's key.</summary>
    public required string UploadId { get; init; }

    /// <summary>Increases with every commit; an append that finds another number than the one it started from lost a race.</summary>
    public long Generation { get; init; }

    /// <summary>The uploaded parts, in order.</summary>
    public IReadOnlyList<AppendPart> Parts { get; init; } = [];

    /// <summary>The key of the object holding the bytes after the last part, or <c>null</c> when there are none.</summary>
    public string? TailKey { get; init; }

    /// <summary>The length of the tail.</summary>
    public long TailLength { get; init; }

    /// <summary>The number of bytes appended so far.</summary>
    [JsonIgnore]
    public long Length => Parts.Sum(p => p.Length) + TailLength;

    /// <summary>The part number the next part gets.</summary>
    [JsonIgnore]
    public int NextPartNumber => Parts.Count == 0 ? 1 : Parts[^1].Number + 1;
}

/// <summary>One uploaded part of an append.</summary>
/// <param name="Number">Its part number.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="ETag">The ETag S3 gave it, needed to complete the upload.</param>
internal sealed record AppendPart(int Number, long Length, string ETag);

[JsonSerializable(typeof(AppendState))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class AppendStateJsonContext : JsonSerializerContext;
