using System.Net.Sockets;
using Azure;

namespace OciRegistry.Storage.Azure;

/// <summary>Sorts the client library's exceptions into the driver contract's typed errors.</summary>
internal static class AzureFailures
{
    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;

    /// <summary>The container itself is missing (as opposed to a blob in it).</summary>
    public static bool IsContainerNotFound(RequestFailedException e) =>
        e.Status == 404 && e.ErrorCode == "ContainerNotFound";

    /// <summary>A condition (If-Match, If-None-Match) failed: someone else changed the blob first.</summary>
    public static bool IsConditionFailed(RequestFailedException e) =>
        e.Status == 412 || (e.Status == 409 && e.ErrorCode == "BlobAlreadyExists");

    /// <summary>A copy onto the blob is still running: it takes no other copy until it ends.</summary>
    public static bool IsPendingCopy(RequestFailedException e) =>
        e.Status == 409 && e.ErrorCode == "PendingCopyOperation";

    /// <summary>
    /// True for anything that means the service could not do what was asked: transport errors, time-outs (not
    /// the caller's cancellation), 5xx after the retries, and any other refusal the contract has no type for.
    /// </summary>
    public static bool IsUnavailable(Exception e, CancellationToken cancellationToken) => e switch
    {
        BlobStoreException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        RequestFailedException or AggregateException or HttpRequestException or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    public static StoreUnavailableException Unavailable(Exception e) =>
        new($"Azure Blob Storage did not serve the request: {Describe(e)}", e);

    private static string Describe(Exception e) => e switch
    {
        RequestFailedException { Status: > 0 } failed => $"{failed.Status} {failed.ErrorCode}".TrimEnd(),
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        _ => e.Message.Split('\n')[0],
    };
}
