namespace OciRegistry.Authorization;

/// <summary>The permissions the current request needs, kept on the request for the challenge's <c>scope</c>.</summary>
internal sealed record RegistryAccessFeature(IReadOnlyList<RegistryAccessRequirement> Required);
