namespace OciRegistry.Storage;

/// <summary>The path breaks the path rules of <see cref="IBlobStore"/>.</summary>
public class InvalidStorePathException : BlobStoreException
{
    /// <summary>Creates the exception.</summary>
    public InvalidStorePathException() { }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidStorePathException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidStorePathException(string message, Exception innerException) : base(message, innerException) { }
}
