namespace OciRegistry.Integration.Tests.Processes;

/// <summary>
/// The storage our sample host runs on: the configuration it gets on its command line
/// (<c>--OciRegistry:Storage:...=...</c>) and a description for messages.
/// </summary>
/// <param name="Description">What the data lies in, for messages: a folder, a bucket, a container.</param>
/// <param name="RootDirectory">The storage root folder (the one holding <c>docker/registry/v2</c>); <c>null</c> for object storage.</param>
/// <param name="Settings">Configuration keys below <c>OciRegistry:Storage</c> and their values.</param>
internal sealed record HostStorage(string Description, string? RootDirectory, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>The filesystem driver on a storage root folder.</summary>
    public static HostStorage FileSystem(string rootDirectory) =>
        new(rootDirectory, rootDirectory, [new("Driver", "filesystem"), new("FileSystem:RootDirectory", rootDirectory)]);

    /// <summary>The same storage with more settings (keys below <c>OciRegistry:Storage</c>); a later one wins.</summary>
    public HostStorage With(params (string Key, string Value)[] settings) =>
        this with { Settings = [.. Settings, .. settings.Select(setting => new KeyValuePair<string, string>(setting.Key, setting.Value))] };

    /// <summary>Further host settings beyond storage (full keys, e.g. <c>OciRegistry:Auth:Htpasswd:Path</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HostSettings { get; init; } = [];

    /// <summary>The same storage with host settings beyond storage (full configuration keys); a later one wins.</summary>
    public HostStorage WithHostSettings(params (string Key, string Value)[] settings) =>
        this with { HostSettings = [.. HostSettings, .. settings.Select(setting => new KeyValuePair<string, string>(setting.Key, setting.Value))] };

    /// <summary>The settings as command-line arguments of the host.</summary>
    public IEnumerable<string> Arguments =>
        Settings.Select(setting => $"--OciRegistry:Storage:{setting.Key}={setting.Value}")
            .Concat(HostSettings.Select(setting => $"--{setting.Key}={setting.Value}"));

    public override string ToString() => Description;
}
