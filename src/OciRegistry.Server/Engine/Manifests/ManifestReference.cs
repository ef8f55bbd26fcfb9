using OciRegistry.Content;
using OciRegistry.Errors;

namespace OciRegistry.Engine.Manifests;

/// <summary>The <c>reference</c> of a manifest URL: a tag or a digest.</summary>
internal readonly record struct ManifestReference(Tag? Tag, Digest? Digest)
{
    /// <summary>Parses a reference, refusing one that is neither a valid tag nor a valid digest.</summary>
    public static ManifestReference Parse(string reference)
    {
        if (Content.Digest.TryParse(reference, out var digest))
        {
            return new ManifestReference(null, digest);
        }

        if (Content.Tag.TryParse(reference, out var tag))
        {
            return new ManifestReference(tag, null);
        }

        // A colon cannot appear in a tag: the client meant a digest.
        throw reference.Contains(':', StringComparison.Ordinal)
            ? new OciRegistryException(OciErrorCode.DigestInvalid, $"'{reference}' is not a valid sha256 or sha512 digest")
            : new OciRegistryException(OciErrorCode.TagInvalid, $"'{reference}' is not a valid tag");
    }

    public override string ToString() => Tag?.ToString() ?? Digest.ToString()!;
}
