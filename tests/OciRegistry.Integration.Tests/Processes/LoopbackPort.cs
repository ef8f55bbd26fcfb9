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
}
