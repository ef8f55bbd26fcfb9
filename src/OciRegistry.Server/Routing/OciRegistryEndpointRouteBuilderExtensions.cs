using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OciRegistry.Api;
using OciRegistry.Storage;
using OciRegistry.Telemetry;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the registry's HTTP API.</summary>
public static class OciRegistryEndpointRouteBuilderExtensions
{
    private static readonly string[] AllMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>
    /// Maps the OCI Distribution API under <c>/v2/</c>. The result is a convention builder, so
    /// <c>.RequireAuthorization()</c> and other endpoint conventions apply to every registry endpoint.
    /// </summary>
    /// <exception cref="InvalidOperationException">No storage driver was added (e.g. <c>AddFileSystemBlobStore()</c>).</exception>
    public static IEndpointConventionBuilder MapOciRegistry(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IBlobStore>() is null)
        {
            throw new InvalidOperationException(
                "OciRegistry has no storage driver: call AddFileSystemBlobStore(), AddS3BlobStore() or AddAzureBlobStore() on the builder AddOciRegistry() returns, or register an IBlobStore.");
        }

        var group = endpoints.MapGroup("/v2");
        ((IEndpointConventionBuilder)group).Add(RequestMetering.Apply);
        group.MapMethods("/", ["GET", "HEAD"], context => context.RequestServices.GetRequiredService<RegistryRequestDispatcher>().HandleVersionCheckAsync(context));
        group.MapMethods("/{**path}", AllMethods, context => context.RequestServices.GetRequiredService<RegistryRequestDispatcher>().HandleAsync(context));
        return group;
    }
}
