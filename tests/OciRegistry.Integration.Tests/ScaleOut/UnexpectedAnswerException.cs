using System.Net;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>The registry gave the kill loop an answer it should not have given (recorded as an anomaly).</summary>
internal sealed class UnexpectedAnswerException(HttpStatusCode? status, string message) : Exception(message)
{
    /// <summary>The status of the answer; null when the status was right and something else was wrong.</summary>
    public HttpStatusCode? Status { get; } = status;
}
