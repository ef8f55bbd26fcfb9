using Amazon.S3.Model;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// The body of a GET, read straight from the connection. A read that stalls longer than the timeout, or a
/// connection that breaks, ends in <see cref="StoreUnavailableException"/>; disposing releases the response.
/// </summary>
internal sealed class S3ObjectReadStream : Stream
{
    private readonly GetObjectResponse _response;
    private readonly Stream _body;
    private readonly TimeSpan _stallTimeout;
    private readonly string _path;

    public S3ObjectReadStream(GetObjectResponse response, TimeSpan stallTimeout, string path)
    {
        _response = response;
        _body = response.ResponseStream;
        _stallTimeout = stallTimeout;
        _path = path;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(_stallTimeout);
        try
        {
            return await _body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"Reading '{_path}' from S3 stalled for {_stallTimeout.TotalSeconds:0.#} s.", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new StoreUnavailableException($"Reading '{_path}' from S3 failed: {e.Message}", e);
        }
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _response.Dispose();
        }

        base.Dispose(disposing);
    }
}
