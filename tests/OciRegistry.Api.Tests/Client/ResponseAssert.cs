using System.Text.Json;

namespace OciRegistry.Api.Tests.Client;

/// <summary>Assertions on registry responses whose failures show the request and the body, not just a status.</summary>
public static class ResponseAssert
{
    public static async Task StatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{Describe(response)} answered {(int)response.StatusCode}, expected {(int)expected}. Body: {await BodyTextAsync(response)}");
        }
    }

    /// <summary>Asserts the status and an OCI error body holding <paramref name="code"/> (any code when <c>null</c>).</summary>
    public static async Task<IReadOnlyList<OciError>> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected, string? code = null)
    {
        await StatusAsync(response, expected);
        var errors = await ReadErrorsAsync(response);
        if (code is not null)
        {
            Assert.That(errors.Select(e => e.Code), Does.Contain(code), $"{Describe(response)}: error codes");
        }

        return errors;
    }

    /// <summary>A client mistake: a 4xx status (never a 5xx) with a well-formed OCI error body.</summary>
    public static async Task ClientErrorAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is < 400 or >= 500)
        {
            Assert.Fail($"{Describe(response)} answered {status}, expected a 4xx client error. Body: {await BodyTextAsync(response)}");
        }

        await ReadErrorsAsync(response);
    }

    /// <summary>Parses the body as the OCI error JSON, asserting its shape: a non-empty <c>errors</c> array of code and message strings.</summary>
    public static async Task<IReadOnlyList<OciError>> ReadErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), $"{Describe(response)}: Content-Type of the error");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            Assert.Fail($"{Describe(response)}: the error body is not JSON ({e.Message}): {System.Text.Encoding.UTF8.GetString(body)}");
            throw;
        }

        using (document)
        {
            var root = document.RootElement;
            Assert.That(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0,
                Is.True, $"{Describe(response)}: the body must be {{\"errors\":[...]}}, was {root.GetRawText()}");
            var errors = new List<OciError>();
            foreach (var error in root.GetProperty("errors").EnumerateArray())
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                Assert.That(code, Is.Not.Null.And.Not.Empty, $"{Describe(response)}: every error needs a string code: {error.GetRawText()}");
                Assert.That(message, Is.Not.Null, $"{Describe(response)}: every error needs a string message: {error.GetRawText()}");
                errors.Add(new OciError(code!, message!));
            }

            return errors;
        }
    }

    /// <summary>Asserts the body is exactly <paramref name="expected"/> (compared as a span: megabyte bodies stay fast).</summary>
    public static async Task BodyAsync(HttpResponseMessage response, byte[] expected, string? what = null)
    {
        var actual = await response.Content.ReadAsByteArrayAsync();
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            Assert.That(actual, Is.EqualTo(expected), what ?? $"{Describe(response)}: body");
        }
    }

    /// <summary>A header from the response or its content headers, values joined by commas; <c>null</c> when absent.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    public static string RequiredHeader(HttpResponseMessage response, string name)
    {
        var value = Header(response, name);
        Assert.That(value, Is.Not.Null, $"{Describe(response)}: header {name}");
        return value!;
    }

    private static string Describe(HttpResponseMessage response) =>
        $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";

    private static async Task<string> BodyTextAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length > 500 ? text[..500] + "..." : text;
    }
}
