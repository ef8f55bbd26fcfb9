using Microsoft.Extensions.Logging;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>The S3 driver's log messages.</summary>
internal static partial class S3BlobStoreLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Created the S3 bucket '{Bucket}'.")]
    public static partial void BucketCreated(ILogger logger, string bucket);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Could not clean up '{Key}' in the S3 bucket '{Bucket}'; it stays until deleted (or a lifecycle rule removes it).")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string bucket, string key);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Another append to '{Path}' holds its lock (a live one, or a killed process's); waiting {Wait} for it to expire.")]
    public static partial void WaitingForAppendLock(ILogger logger, string path, TimeSpan wait);
}
