namespace OciRegistry.Storage;

/// <summary>
/// The storage service did not answer (unreachable, timed out, failing). The registry answers 503 and the
/// client may retry; a driver wraps its transport failures in this type.
/// </summary>
public class StoreUnavailableException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public StoreUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StoreUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
