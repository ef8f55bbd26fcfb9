namespace OciRegistry.Integration.Tests.Images;

/// <summary>One image of an OCI index: its manifest digest and its platform as <c>os/architecture</c>.</summary>
internal sealed record IndexEntry(string Digest, string Platform);
