using OciRegistry.Integration.Tests.Images;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// A blob the kill loop tried to push, and how far it is known to have got: what a 202 acknowledged, what was sent
/// at most, whether the completing request went out, and whether it was answered 201. Only the pusher working on it
/// at the time changes it.
/// </summary>
internal sealed class BlobAttempt(string repository, byte[] content)
{
    public string Repository { get; } = repository;

    public byte[] Content { get; } = content;

    public string Digest { get; } = ContentDigest.Of(content);

    /// <summary>The upload's latest <c>Location</c>; null for a monolithic push, or before the POST was answered.</summary>
    public Uri? Upload { get; set; }

    /// <summary>Bytes a 202 confirmed stored: they must survive a kill.</summary>
    public long Acknowledged { get; set; }

    /// <summary>Bytes sent so far: the upload can hold no more than these.</summary>
    public long Sent { get; set; }

    /// <summary>Whether the completing request (PUT, or POST <c>?digest=</c>) was sent: only then may the blob exist.</summary>
    public bool CompletionSent { get; set; }

    /// <summary>Whether the registry answered 201: the blob must exist from then on.</summary>
    public bool Committed { get; set; }

    /// <summary>Whether the registry answered that the upload is unknown (404 BLOB_UPLOAD_UNKNOWN) after a kill.</summary>
    public bool Forgotten { get; set; }

    /// <summary>Whether the upload was cut off half-way and can be continued: it has a Location, and no end yet.</summary>
    public bool Resumable => Upload is not null && !Committed && !Forgotten;

    public override string ToString() =>
        $"{Repository} blob {Digest} ({Content.Length} bytes; acknowledged {Acknowledged}, sent {Sent}, completion sent {CompletionSent}, committed {Committed})";
}
