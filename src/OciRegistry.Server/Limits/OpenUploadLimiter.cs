using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Errors;

namespace OciRegistry.Limits;

/// <summary>
/// Caps the uploads one client holds open on this instance (<c>OciRegistry:Limits:MaxOpenUploadsPerClient</c>). A
/// client is its user name when authenticated, else its IP address. An upload counts from the POST that opens it until
/// the PUT that completes it or the DELETE that cancels it through this instance, or until it has not been touched for
/// <c>OpenUploadIdleTimeout</c>. Counts live in memory: a protection of this instance's storage and memory, not an
/// exact quota across instances.
/// </summary>
internal sealed class OpenUploadLimiter(IOptions<OciRegistryOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> clients = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long opened;

    /// <summary>Reserves a place for a new upload, or throws 429 <c>TOOMANYREQUESTS</c>.</summary>
    /// <returns>The reservation, to be confirmed with <see cref="Opened"/> or given back with <see cref="Close"/>.</returns>
    public string Reserve(HttpContext context)
    {
        var reservation = "reserved:" + Guid.NewGuid().ToString("N");
        var limits = options.Value.Limits;
        if (limits.MaxOpenUploadsPerClient <= 0)
        {
            return reservation;
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            if (++opened % 1024 == 0)
            {
                Sweep(now - limits.OpenUploadIdleTimeout);
            }

            var client = Client(context);
            if (!clients.TryGetValue(client, out var uploads))
            {
                clients[client] = uploads = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            }

            foreach (var idle in uploads.Where(u => u.Value < now - limits.OpenUploadIdleTimeout).Select(u => u.Key).ToList())
            {
                uploads.Remove(idle);
            }

            if (uploads.Count >= limits.MaxOpenUploadsPerClient)
            {
                throw new OciRegistryException(OciErrorCode.TooManyRequests,
                    string.Create(CultureInfo.InvariantCulture, $"this client has {uploads.Count} uploads open; finish or cancel one first"))
                {
                    Headers = new Dictionary<string, string> { ["Retry-After"] = "60" },
                };
            }

            uploads[reservation] = now;
        }

        return reservation;
    }

    /// <summary>Turns <paramref name="reservation"/> into the upload it opened.</summary>
    public void Opened(HttpContext context, string reservation, RepositoryName name, string id)
    {
        lock (gate)
        {
            if (clients.TryGetValue(Client(context), out var uploads) && uploads.Remove(reservation))
            {
                uploads[Key(name, id)] = time.GetUtcNow();
            }
        }
    }

    /// <summary>Notes that the client still works on the upload.</summary>
    public void Touch(HttpContext context, RepositoryName name, string id)
    {
        lock (gate)
        {
            if (clients.TryGetValue(Client(context), out var uploads) && uploads.ContainsKey(Key(name, id)))
            {
                uploads[Key(name, id)] = time.GetUtcNow();
            }
        }
    }

    /// <summary>The upload (or reservation) no longer counts.</summary>
    public void Close(HttpContext context, string key)
    {
        lock (gate)
        {
            var client = Client(context);
            if (clients.TryGetValue(client, out var uploads) && uploads.Remove(key) && uploads.Count == 0)
            {
                clients.Remove(client);
            }
        }
    }

    /// <summary>The key of an upload for <see cref="Close"/>.</summary>
    public static string Key(RepositoryName name, string id) => name.Value + "@" + id;

    private void Sweep(DateTimeOffset idleBefore)
    {
        foreach (var (client, uploads) in clients.ToList())
        {
            foreach (var idle in uploads.Where(u => u.Value < idleBefore).Select(u => u.Key).ToList())
            {
                uploads.Remove(idle);
            }

            if (uploads.Count == 0)
            {
                clients.Remove(client);
            }
        }
    }

    private static string Client(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } user }
            ? "user:" + user
            : "ip:" + context.Connection.RemoteIpAddress;
}
