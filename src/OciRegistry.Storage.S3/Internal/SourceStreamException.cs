namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// Carries a failure of the caller's content stream through the driver, which unwraps and rethrows it as it was:
/// a client's broken upload must not be reported as a storage outage.
/// </summary>
internal sealed class SourceStreamException : Exception
{
    public SourceStreamException() { }

    public SourceStreamException(string message) : base(message) { }

    public SourceStreamException(string message, Exception innerException) : base(message, innerException) { }

    public SourceStreamException(Exception innerException) : base(innerException?.Message, innerException) { }
}
