namespace OciRegistry.Api.Tests.Client;

/// <summary>
/// A body sent with chunked transfer encoding and no Content-Length, in several writes, as a client streaming a
/// layer from a pipe does.
/// </summary>
public sealed class UnknownLengthContent(byte[] content, int writeSize = 4096) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < content.Length; offset += writeSize)
        {
            await stream.WriteAsync(content.AsMemory(offset, Math.Min(writeSize, content.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
