using Microsoft.AspNetCore.Http;
using OciRegistry.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Errors;

namespace OciRegistry.Api;

/// <summary>
/// <c>OciRegistry:ReadOnly</c>: GET and HEAD are served, every other request is refused before it touches storage.
/// The dispatcher passes the options monitor's current value on every request, so a configuration reload switches it.
/// </summary>
internal static class ReadOnlyMode
{
    public const string Message = "the registry is in read-only mode: pulls work, pushes and deletes are refused";

    /// <exception cref="OciRegistryException">405 <c>UNSUPPORTED</c> for a write while the registry is read-only.</exception>
    public static void ThrowIfWrite(HttpContext context, OciRegistryOptions current)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ||
            !current.ReadOnly)
        {
            return;
        }

        throw new OciRegistryException(OciErrorCode.Unsupported, Message, statusCode: StatusCodes.Status405MethodNotAllowed)
        {
            Headers = new Dictionary<string, string> { ["Allow"] = "GET, HEAD" },
        };
    }
}
