namespace OciRegistry.Storage;

/// <summary>No object exists at the path.</summary>
public class StorePathNotFoundException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public StorePathNotFoundException() { }

    /// <summary>Creates the exception for a path.</summary>
    public StorePathNotFoundException(string path) : base($"No object at '{path}'.") { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StorePathNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
