using System.Collections.Concurrent;
using System.Net;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.CloudFoundry;

/// <summary>
/// The receiving end of OTLP over HTTP (<c>http/protobuf</c>) on a loopback port: answers every export 200 with an
/// empty body (an empty response message) and remembers the paths and sizes that came, so a test sees which signals
/// the host exported.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly Task serving;
    private readonly ConcurrentQueue<(string Path, long Bytes)> exports = new();

    private OtlpReceiver(HttpListener listener, Uri endpoint)
    {
        this.listener = listener;
        Endpoint = endpoint;
        serving = ServeAsync();
    }

    /// <summary>The base URL to give the exporter; signals go to <c>/v1/metrics</c>, <c>/v1/traces</c>, <c>/v1/logs</c> below it.</summary>
    public Uri Endpoint { get; }

    /// <summary>The paths exports were sent to so far (one entry per export), with their body sizes.</summary>
    public IReadOnlyList<(string Path, long Bytes)> Exports => [.. exports];

    public static OtlpReceiver Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{LoopbackPort.FindFree()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.ToString());
            try
            {
                listener.Start();
                return new OtlpReceiver(listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                // The port was taken between choosing and binding it.
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        try
        {
            await serving;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the wait for the next request.
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            var context = await listener.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            exports.Enqueue((context.Request.Url?.AbsolutePath ?? string.Empty, body.Length));
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}
