using OciRegistry.IO;

namespace OciRegistry.Storage.Azure;

/// <summary>
/// The body of a download. Failures of the service while the caller reads become
/// <see cref="StoreUnavailableException"/>, as for every other operation of the driver, and a read that makes no
/// progress for <paramref name="stallLimit"/> fails instead of letting the SDK restart the download again and again.
/// </summary>
internal sealed class AzureReadStream(Stream inner, TimeSpan stallLimit) : ForwardOnlyReadStream(owned: inner)
{
    // A field rather than the captured parameter: the base owns the same stream (CS9107).
    private readonly Stream _inner = inner;
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _inner.Read(buffer);
        }
        catch (Exception e) when (AzureFailures.IsUnavailable(e, CancellationToken.None))
        {
            throw AzureFailures.Unavailable(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(stallLimit);
        try
        {
            return await _inner.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"Azure Blob Storage sent nothing for {stallLimit.TotalSeconds:0} s while a blob was read.", e);
        }
        catch (Exception e) when (AzureFailures.IsUnavailable(e, cancellationToken))
        {
            throw AzureFailures.Unavailable(e);
        }
    }
}
