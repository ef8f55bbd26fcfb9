namespace OciRegistry.Storage;

/// <summary>Base of the typed errors a driver raises; anything else from a driver means the storage is unavailable.</summary>
public class BlobStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlobStoreException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BlobStoreException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BlobStoreException(string message, Exception innerException) : base(message, innerException) { }
}
