namespace OciRegistry.Storage.Azure;

/// <summary>
/// The body of a download. Failures of the service while the caller reads become
/// <see cref="StoreUnavailableException"/>, as for every other operation of the driver, and a read that makes no
/// progress for <paramref name="stallLimit"/> fails instead of letting the SDK restart the download again and again.
/// </summary>
internal sealed class AzureReadStream(Stream inner, TimeSpan stallLimit) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
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
            return await inner.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
