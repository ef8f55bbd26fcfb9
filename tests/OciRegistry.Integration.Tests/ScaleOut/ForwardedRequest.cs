namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>One request the <see cref="RoundRobinProxy"/> forwarded: which backend (by index) answered it, and how.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The path and query string, as the client sent them.</param>
/// <param name="Backend">The index of the backend it went to.</param>
/// <param name="Status">The backend's status code; 502 when the backend could not be reached.</param>
internal sealed record ForwardedRequest(string Method, string Target, int Backend, int Status)
{
    public override string ToString() => $"{Method} {Target} -> instance {Backend}: {Status}";
}
