namespace OciRegistry.Errors;

/// <summary>
/// An error code of the OCI distribution spec (and Docker's additions clients know), with the HTTP status
/// the registry answers it with.
/// </summary>
/// <param name="Code">The wire code, e.g. <c>BLOB_UNKNOWN</c>.</param>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Description">A short human description, used when no better message is given.</param>
public sealed record OciErrorCode(string Code, int StatusCode, string Description)
{
    /// <summary>Blob unknown to registry.</summary>
    public static readonly OciErrorCode BlobUnknown = new("BLOB_UNKNOWN", 404, "blob unknown to registry");

    /// <summary>Blob upload invalid.</summary>
    public static readonly OciErrorCode BlobUploadInvalid = new("BLOB_UPLOAD_INVALID", 400, "blob upload invalid");

    /// <summary>Blob upload unknown to registry.</summary>
    public static readonly OciErrorCode BlobUploadUnknown = new("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry");

    /// <summary>Provided digest did not match uploaded content.</summary>
    public static readonly OciErrorCode DigestInvalid = new("DIGEST_INVALID", 400, "provided digest did not match uploaded content");

    /// <summary>A manifest references a blob unknown to the repository.</summary>
    public static readonly OciErrorCode ManifestBlobUnknown = new("MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry");

    /// <summary>Manifest invalid.</summary>
    public static readonly OciErrorCode ManifestInvalid = new("MANIFEST_INVALID", 400, "manifest invalid");

    /// <summary>Manifest unknown to registry.</summary>
    public static readonly OciErrorCode ManifestUnknown = new("MANIFEST_UNKNOWN", 404, "manifest unknown to registry");

    /// <summary>Invalid repository name.</summary>
    public static readonly OciErrorCode NameInvalid = new("NAME_INVALID", 400, "invalid repository name");

    /// <summary>Repository name not known to registry.</summary>
    public static readonly OciErrorCode NameUnknown = new("NAME_UNKNOWN", 404, "repository name not known to registry");

    /// <summary>Provided length did not match content length.</summary>
    public static readonly OciErrorCode SizeInvalid = new("SIZE_INVALID", 400, "provided length did not match content length");

    /// <summary>Authentication required.</summary>
    public static readonly OciErrorCode Unauthorized = new("UNAUTHORIZED", 401, "authentication required");

    /// <summary>Requested access to the resource is denied.</summary>
    public static readonly OciErrorCode Denied = new("DENIED", 403, "requested access to the resource is denied");

    /// <summary>The operation is unsupported.</summary>
    public static readonly OciErrorCode Unsupported = new("UNSUPPORTED", 405, "the operation is unsupported");

    /// <summary>Too many requests.</summary>
    public static readonly OciErrorCode TooManyRequests = new("TOOMANYREQUESTS", 429, "too many requests");

    /// <summary>Manifest tag did not match the grammar (Docker).</summary>
    public static readonly OciErrorCode TagInvalid = new("TAG_INVALID", 400, "manifest tag did not match URI");

    /// <summary>Invalid number of results requested (Docker).</summary>
    public static readonly OciErrorCode PaginationNumberInvalid = new("PAGINATION_NUMBER_INVALID", 400, "invalid number of results requested");

    /// <summary>Invalid content range (Docker): a chunk out of order.</summary>
    public static readonly OciErrorCode RangeInvalid = new("RANGE_INVALID", 416, "invalid content range");

    /// <summary>The manifest is larger than the registry accepts.</summary>
    public static readonly OciErrorCode ManifestTooLarge = new("SIZE_INVALID", 413, "manifest exceeds the size limit");

    /// <summary>The storage behind the registry did not answer.</summary>
    public static readonly OciErrorCode Unavailable = new("UNAVAILABLE", 503, "service unavailable");

    /// <summary>Unknown error: a fault of the registry, never of the client.</summary>
    public static readonly OciErrorCode Unknown = new("UNKNOWN", 500, "unknown error");
}
