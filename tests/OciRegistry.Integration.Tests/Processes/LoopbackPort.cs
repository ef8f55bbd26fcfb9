using System.Net;
using System.Net.Sockets;

namespace OciRegistry.Integration.Tests.Processes;

/// <summary>Finds a TCP port on 127.0.0.1 that nothing listens on right now.</summary>
internal static class LoopbackPort
{
    public static int FindFree()
    {
        // The port is released before the registry binds it, so another process may take it meanwhile;
        // RegistryProcess retries on a new port when that happens.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Finds <paramref name="count"/> consecutive ports on 127.0.0.1 that nothing listens on right now, for a
    /// server that takes a range from its first port. They lie below Linux's ephemeral range (32768 and up), where
    /// outgoing connections do not take them meanwhile; another server still may, so callers retry.
    /// </summary>
    public static int FindFreeRange(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_768 - count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"Found no {count} consecutive free ports on 127.0.0.1 from 20000 to 32767.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
