using OciRegistry.Errors;

namespace OciRegistry.Engine;

/// <summary>
/// A refusal the registry answers with the OCI error JSON: the engine throws it, the HTTP API writes it.
/// </summary>
internal sealed class OciRegistryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The OCI error code.</param>
    /// <param name="message">A message for the client; the code's description when <c>null</c>.</param>
    /// <param name="detail">Optional structured detail, serialised as JSON.</param>
    /// <param name="statusCode">An HTTP status other than the code's usual one.</param>
    public OciRegistryException(OciErrorCode code, string? message = null, object? detail = null, int? statusCode = null)
        : base(message ?? code?.Description)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
        Detail = detail;
        StatusCode = statusCode ?? code.StatusCode;
    }

    /// <summary>Creates the exception with an unknown error.</summary>
    public OciRegistryException() : this(OciErrorCode.Unknown) { }

    /// <summary>Creates the exception with an unknown error and a message.</summary>
    public OciRegistryException(string message) : this(OciErrorCode.Unknown, message) { }

    /// <summary>Creates the exception with an unknown error, a message and its cause.</summary>
    public OciRegistryException(string message, Exception innerException) : base(message, innerException)
    {
        Code = OciErrorCode.Unknown;
        StatusCode = Code.StatusCode;
    }

    /// <summary>The OCI error code.</summary>
    public OciErrorCode Code { get; }

    /// <summary>Structured detail for the client, or <c>null</c>.</summary>
    public object? Detail { get; }

    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; }

    /// <summary>Extra response headers (e.g. <c>Range</c> on a 416), or <c>null</c>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
