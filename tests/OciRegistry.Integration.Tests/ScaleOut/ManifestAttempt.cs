namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// A manifest PUT of the kill loop, with the ledger's clock when it was sent and when it ended (answered, or cut off
/// by the kill that ended its cycle): enough to tell which values a tag may hold afterwards.
/// </summary>
internal sealed class ManifestAttempt(string repository, string tag, SyntheticImage image, long sentAt)
{
    public string Repository { get; } = repository;

    public string Tag { get; } = tag;

    public SyntheticImage Image { get; } = image;

    public long SentAt { get; } = sentAt;

    public long EndedAt { get; set; } = long.MaxValue;

    /// <summary>Whether the registry answered 201.</summary>
    public bool Committed { get; set; }

    public override string ToString() => $"{Repository}:{Tag} -> {Image.ManifestDigest} (committed {Committed})";
}
