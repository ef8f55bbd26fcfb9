using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OciRegistry.Integration.Tests.StorageDrivers;

/// <summary>
/// A PATCH sent as Go's HTTP client sends a layer for docker and skopeo: the body in chunks as it is read, while
/// listening for an answer; once the registry answers, sending stops. HttpClient cannot stand in here: over
/// HTTP/1.1 it reads the answer only after the whole body is sent, which would time the client, not the registry.
/// </summary>
internal static class StreamingPatch
{
    /// <summary>Sends <paramref name="body"/> to an upload location; returns the status and body of the answer.</summary>
    public static async Task<(int Status, string Body)> SendAsync(Uri location, Stream body, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(location.Host, location.Port, cancellationToken);
        var network = tcp.GetStream();
        var head = $"PATCH {location.PathAndQuery} HTTP/1.1\r\nHost: {location.Authority}\r\n" +
            "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        await network.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);

        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var answer = ReadAnswerAsync(new BufferedStream(network), cancellationToken);
        var sending = SendChunksAsync(network, body, stopSending.Token);
        if (await Task.WhenAny(answer, sending) == answer)
        {
            await stopSending.CancelAsync();
        }

        try
        {
            await sending;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The registry answered, or closed the connection after answering: the rest of the body is not wanted.
        }

        return await answer;
    }

    private static async Task SendChunksAsync(NetworkStream network, Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await network.WriteAsync(Encoding.ASCII.GetBytes($"{read:X}\r\n"), cancellationToken);
            await network.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await network.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        await network.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
    }

    private static async Task<(int Status, string Body)> ReadAnswerAsync(Stream network, CancellationToken cancellationToken)
    {
        var statusLine = await ReadLineAsync(network, cancellationToken);
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"Not an HTTP status line: '{statusLine}'.");
        }

        long? contentLength = null;
        var chunked = false;
        for (var line = await ReadLineAsync(network, cancellationToken); line.Length > 0; line = await ReadLineAsync(network, cancellationToken))
        {
            var (name, value) = line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
                ? (line[..colon].Trim(), line[(colon + 1)..].Trim())
                : (line, string.Empty);
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
        }

        using var content = new MemoryStream();
        if (chunked)
        {
            for (var size = await ReadChunkSizeAsync(network, cancellationToken); size > 0; size = await ReadChunkSizeAsync(network, cancellationToken))
            {
                await CopyExactlyAsync(network, content, size, cancellationToken);
                await ReadLineAsync(network, cancellationToken);
            }
        }
        else if (contentLength is { } length)
        {
            await CopyExactlyAsync(network, content, length, cancellationToken);
        }

        return (status, Encoding.UTF8.GetString(content.ToArray()));
    }

    private static async Task<long> ReadChunkSizeAsync(Stream network, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(network, cancellationToken);
        return long.Parse(line.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static async Task CopyExactlyAsync(Stream source, Stream destination, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(count, 64 * 1024)];
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The connection closed with {count} bytes of the answer missing.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            count -= read;
        }
    }

    private static async Task<string> ReadLineAsync(Stream network, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await network.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException($"The connection closed in the middle of the answer (after '{line}').");
            }

            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }
}
