using System.Buffers;
using Amazon.S3.Model;
using OciRegistry.IO;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// The body of a GET, read straight from the connection. A read that stalls longer than the timeout, or a
/// connection that breaks, ends in <see cref="StoreUnavailableException"/>; disposing releases the response.
/// </summary>
internal sealed class S3ObjectReadStream : ForwardOnlyReadStream
{
    private readonly Stream _body;
    private readonly TimeSpan _stallTimeout;
    private readonly string _path;

    public S3ObjectReadStream(GetObjectResponse response, TimeSpan stallTimeout, string path)
        : base(owned: response)
    {
        _body = response.ResponseStream;
        _stallTimeout = stallTimeout;
        _path = path;
    }

    public override int Read(Span<byte> buffer)
    {
        // The SDK's body is read asynchronously (that is where the stall timeout applies); a synchronous reader waits.
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

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
}
