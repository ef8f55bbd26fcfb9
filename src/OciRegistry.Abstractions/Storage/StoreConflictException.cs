namespace OciRegistry.Storage;

/// <summary>The operation conflicts with the object's current state (an append at the wrong offset, a concurrent append).</summary>
public class StoreConflictException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    public StoreConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StoreConflictException(string message, Exception innerException) : base(message, innerException) { }
}
