using System.Net.Sockets;
using System.Text;

namespace OciRegistry.Api.Tests.Hardening;

/// <summary>
/// HTTP/1.1 written by hand on a socket, for what HttpClient will not send: paths it would normalise, bodies that
/// disagree with their Content-Length, a client that stalls. One request per connection.
/// </summary>
public static class RawHttp
{
    /// <summary>The answer: status (0 when the server closed without one), headers and body as text.</summary>
    public sealed record Response(int Status, string Head, string Body)
    {
        public string? Header(string name) => Head.Split("\r\n")
            .FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
    }

    /// <summary>Sends <paramref name="method"/> <paramref name="target"/> (as is, unescaped) with the headers and body given.</summary>
    /// <param name="contentLength">The Content-Length to announce; the body's length when null, none when negative.</param>
    /// <param name="pace">Sent between body bytes, one byte at a time, when given: a slow client.</param>
    public static async Task<Response> SendAsync(Uri server, string method, string target, byte[]? body = null, long? contentLength = null,
        IEnumerable<(string Name, string Value)>? headers = null, TimeSpan? pace = null, bool closeAfterBody = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: ").Append(server.Authority).Append("\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var length = contentLength ?? body?.Length;
        if (length is >= 0)
        {
            head.Append("Content-Length: ").Append(length).Append("\r\n");
        }

        head.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()));
            if (body is not null)
            {
                if (pace is { } delay)
                {
                    foreach (var b in body)
                    {
                        await stream.WriteAsync(new[] { b });
                        await Task.Delay(delay);
                    }
                }
                else
                {
                    await stream.WriteAsync(body);
                }
            }

            if (closeAfterBody)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server gave up on us (a slow or lying client): read what it answered, if anything.
        }

        return await ReadAsync(stream);
    }

    private static async Task<Response> ReadAsync(NetworkStream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                buffer.Write(chunk, 0, n);
            }
        }
        catch (IOException)
        {
            // Reset by the server after it answered.
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || end < 0)
        {
            return new Response(0, text, string.Empty);
        }

        return new Response(int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), text[..end], text[(end + 4)..]);
    }
}
