namespace OciRegistry.Api.Tests.Client;

/// <summary>One entry of an OCI error body <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
public sealed record OciError(string Code, string Message);
