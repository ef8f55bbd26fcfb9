namespace OciRegistry.Api.Tests.Auth;

/// <summary>One request of every kind the registry serves, for denial tests: each must be refused and write nothing.</summary>
public static class DenialRequests
{
    public static IEnumerable<(HttpMethod Method, string Path, Func<HttpContent>? Body)> All(string repository, TestManifest existing)
    {
        var blob = TestBlob.Random();
        var manifest = Manifests.Image(TestBlob.Config(), blob);
        yield return (HttpMethod.Get, "/v2/", null);
        yield return (HttpMethod.Get, "/v2/_catalog", null);
        yield return (HttpMethod.Get, RegistryClient.TagsPath(repository), null);
        yield return (HttpMethod.Get, RegistryClient.ManifestPath(repository, "v1"), null);
        yield return (HttpMethod.Head, RegistryClient.ManifestPath(repository, existing.Digest), null);
        yield return (HttpMethod.Get, RegistryClient.ReferrersPath(repository, existing.Digest), null);
        yield return (HttpMethod.Post, RegistryClient.UploadsPath(repository), null);
        yield return (HttpMethod.Post, $"{RegistryClient.UploadsPath(repository)}?digest={blob.Digest}", () => RegistryClient.Bytes(blob.Content));
        yield return (HttpMethod.Patch, $"{RegistryClient.UploadsPath(repository)}{Guid.NewGuid()}", () => RegistryClient.Bytes(blob.Content));
        yield return (HttpMethod.Put, RegistryClient.ManifestPath(repository, "v2"), () => RegistryClient.Bytes(manifest.Content, manifest.MediaType));
        yield return (HttpMethod.Delete, RegistryClient.ManifestPath(repository, existing.Digest), null);
        yield return (HttpMethod.Delete, RegistryClient.ManifestPath(repository, "v1"), null);
    }
}
