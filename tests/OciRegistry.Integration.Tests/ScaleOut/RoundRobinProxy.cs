using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// A reverse proxy on a loopback port that sends each request to the next of its backends in turn, with no
/// stickiness (as the Cloud Foundry router does with <c>cf scale -i 3</c>). It keeps the client's <c>Host</c>, so
/// the <c>Location</c> a registry answers points back at the proxy, and streams bodies both ways. It records
/// which backend served each request.
/// </summary>
internal sealed class RoundRobinProxy : IAsyncDisposable
{
    // Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection; Kestrel and HttpClient make their own.
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect", "Host",
    };

    private readonly WebApplication app;
    private readonly HttpClient forwarder;
    private readonly Lock backendsLock = new();
    private readonly ConcurrentQueue<ForwardedRequest> forwarded = new();
    private Uri[] backends;
    private long requestCount;

    private RoundRobinProxy(WebApplication app, HttpClient forwarder, IEnumerable<Uri> backends)
    {
        this.app = app;
        this.forwarder = forwarder;
        this.backends = [.. backends];
    }

    /// <summary>The proxy's address, what clients are given.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The registry as image names start with it: <c>127.0.0.1:PORT</c>.</summary>
    public string Authority => BaseAddress.Authority;

    /// <summary>Every request forwarded so far, in the order they arrived.</summary>
    public IReadOnlyList<ForwardedRequest> Forwarded => [.. forwarded];

    /// <summary>The index of the backend the next request will go to.</summary>
    public int NextBackend => (int)(Interlocked.Read(ref requestCount) % Volatile.Read(ref backends).Length);

    /// <summary>A skopeo image reference for a repository (and tag or digest) behind the proxy.</summary>
    public string ImageReference(string repositoryAndReference) => $"docker://{Authority}/{repositoryAndReference}";

    /// <summary>Starts the proxy on a free loopback port in front of <paramref name="backends"/>.</summary>
    public static async Task<RoundRobinProxy> StartAsync(IEnumerable<Uri> backends, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            // Chunks of tens of MiB pass through, on a busy machine: no size or rate limits.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var forwarder = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var proxy = new RoundRobinProxy(app, forwarder, backends);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        proxy.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        TestContext.Progress.WriteLine($"  round-robin proxy on {proxy.BaseAddress} in front of {string.Join(", ", proxy.backends.Select(backend => backend.Authority))}");
        return proxy;
    }

    /// <summary>Puts <paramref name="backend"/> in place of the backend at <paramref name="index"/> (a restarted instance).</summary>
    public void ReplaceBackend(int index, Uri backend)
    {
        lock (backendsLock)
        {
            var replaced = backends.ToArray();
            replaced[index] = backend;
            backends = replaced;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        forwarder.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var current = Volatile.Read(ref backends);
        var index = (int)((Interlocked.Increment(ref requestCount) - 1) % current.Length);
        var backend = current[index];
        var request = context.Request;
        // The target exactly as the client sent it: a state token in the query string stays byte for byte.
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(backend, target));
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true || request.ContentLength == 0)
        {
            outgoing.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (!HopByHopHeaders.Contains(name) && !outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        outgoing.Headers.Host = request.Host.Value;
        outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);

        HttpResponseMessage response;
        try
        {
            response = await forwarder.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException exception)
        {
            forwarded.Enqueue(new ForwardedRequest(request.Method, target, index, StatusCodes.Status502BadGateway));
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsync($"backend {backend.Authority} failed: {exception.Message}", context.RequestAborted);
            return;
        }

        using (response)
        {
            forwarded.Enqueue(new ForwardedRequest(request.Method, target, index, (int)response.StatusCode));
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHopHeaders.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
