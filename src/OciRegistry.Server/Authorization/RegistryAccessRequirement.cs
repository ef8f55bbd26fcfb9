using Microsoft.AspNetCore.Authorization;

namespace OciRegistry.Authorization;

/// <summary>
/// One permission a registry request needs: an action on a resource, as the Docker token scopes name them
/// (<c>repository:team/app:push</c>, <c>registry:catalog:*</c>). A request succeeds when every requirement it
/// needs is met by some <c>IAuthorizationHandler</c>: the registry's own grants those its principal holds as
/// <see cref="RegistryAccessClaims"/>; an application may add its own handler.
/// </summary>
public sealed class RegistryAccessRequirement : IAuthorizationRequirement
{
    /// <summary>Creates a requirement of <paramref name="action"/> on the resource <paramref name="type"/>:<paramref name="name"/>.</summary>
    public RegistryAccessRequirement(string type, string name, string action)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(action);
        Type = type;
        Name = name;
        Action = action;
    }

    /// <summary>The resource type: <see cref="RegistryResourceTypes.Repository"/> or <see cref="RegistryResourceTypes.Registry"/>.</summary>
    public string Type { get; }

    /// <summary>The resource: a repository name, or <see cref="RegistryResourceTypes.Catalog"/>.</summary>
    public string Name { get; }

    /// <summary>The action: <see cref="RegistryActions.Pull"/>, <see cref="RegistryActions.Push"/>, <see cref="RegistryActions.Delete"/> or <c>*</c>.</summary>
    public string Action { get; }

    /// <summary>The scope text, e.g. <c>repository:team/app:push</c>.</summary>
    public override string ToString() => $"{Type}:{Name}:{Action}";
}
