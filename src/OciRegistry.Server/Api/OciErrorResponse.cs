using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OciRegistry.Engine;
using OciRegistry.Errors;

namespace OciRegistry.Api;

/// <summary>Writes the OCI error body <c>{"errors":[{"code","message","detail"}]}</c> with its status.</summary>
internal static class OciErrorResponse
{
    public static Task WriteAsync(HttpContext context, OciRegistryException error) =>
        WriteAsync(context, error.Code, error.Message, error.Detail, error.StatusCode, error.Headers);

    public static async Task WriteAsync(HttpContext context, OciErrorCode code, string? message = null, object? detail = null,
        int? statusCode = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Part of a body is out already: the only honest signal left is to cut the connection.
            context.Abort();
            return;
        }

        context.RequestServices.GetService<OciRegistry.Telemetry.RegistryMetrics>()?.Error(code.Code);
        response.StatusCode = statusCode ?? code.StatusCode;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new ErrorBody([new ErrorEntry(code.Code, message ?? code.Description, detail)]), ErrorJson.Options);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private sealed record ErrorBody(IReadOnlyList<ErrorEntry> Errors);

    private sealed record ErrorEntry(string Code, string Message, object? Detail);

    private static class ErrorJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
    }
}
