using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;
using OciRegistry.Integration.Tests.StorageDrivers;
using Start = OciRegistry.Integration.Tests.Processes.GoConfiguredRegistry.Start;

namespace OciRegistry.Integration.Tests.GoRegistryConfiguration;

/// <summary>
/// The host as a drop-in for the Go registry: <c>serve config.yml</c> and <c>garbage-collect config.yml</c> with the
/// Go registry's own configuration files and <c>REGISTRY_*</c> variables, and the same files starting Debian's
/// <c>docker-registry</c> on the same storage.
/// </summary>
internal sealed class GoRegistryConfigurationTests : RealClientTest
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    /// <summary>
    /// The configuration a Cloud Foundry recipe for the Go registry ships, with <c>$PORT</c> and the folder put in by
    /// sed, as the recipe does.
    /// </summary>
    private static string RecipeConfig(int port, string rootDirectory) => $"""
        version: 0.1
        log:
          fields:
            service: registry
        storage:
          cache:
            layerinfo: inmemory
          filesystem:
            rootdirectory: {rootDirectory}
        http:
          addr: :{port.ToString(CultureInfo.InvariantCulture)}
          headers:
            X-Content-Type-Options: [nosniff]
        health:
          storagedriver:
            enabled: true
            interval: 10s
            threshold: 3
        """;

    [Test]
    public async Task Recipe_config_with_the_port_substituted_serves_pushes_pulls_and_the_catalog()
    {
        var root = Work.Combine("root", create: true);
        var configPath = Work.Combine("config.yml");
        var image = await TestImages.SingleArchAsync(Work.Combine("image"), "v1", Cancellation);
        var host = await StartOursAsync(root, port =>
        {
            File.WriteAllText(configPath, RecipeConfig(port, root));
            return new(configPath, NoEnvironment);
        });

        var pushed = await Skopeo.CopyAsync(image.Reference("v1"), host.ImageReference("recipe/app:v1"), Cancellation);
        var pulled = await Skopeo.CopyAsync(host.ImageReference("recipe/app:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var catalog = await client.GetAsync(new Uri("v2/_catalog", UriKind.Relative), Cancellation);
        var catalogBody = await catalog.Content.ReadAsStringAsync(Cancellation);
        using var delete = await client.DeleteAsync(new Uri($"v2/recipe/app/manifests/{pushed}", UriKind.Relative), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(pulled, Is.EqualTo(pushed));
            Assert.That(catalogBody, Is.EqualTo("""{"repositories":["recipe/app"]}"""));
            Assert.That(catalog.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), "http.headers");
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed), "deletes stay off without storage.delete.enabled, as in the Go registry");
            Assert.That(Directory.Exists(Path.Combine(root, "docker", "registry", "v2", "repositories", "recipe", "app")), "stored in rootdirectory");
            Assert.That(host.Output, Does.Contain("log.fields (config.yml line 3): fields are not added to log lines; ignored."), "the one key it ignores, named");
        });
    }

    [Test]
    public async Task Environment_overrides_the_listen_address_and_root_directory_for_both_registries()
    {
        var fileRoot = Work.Combine("file-root", create: true);
        var overriddenRoot = Work.Combine("env-root", create: true);
        var configPath = Work.Combine("config.yml");
        // Port 9 (discard) is never what either registry listens on: REGISTRY_HTTP_ADDR must win.
        File.WriteAllText(configPath, $"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: {fileRoot}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:9
            """);
        Start Overridden(int port) => new(configPath, new Dictionary<string, string?>
        {
            ["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] = overriddenRoot,
        });
        var image = await TestImages.SingleArchAsync(Work.Combine("image"), "v1", Cancellation);

        var ours = await StartOursAsync(overriddenRoot, Overridden);
        var pushed = await Skopeo.CopyAsync(image.Reference("v1"), ours.ImageReference("env/app:v1"), Cancellation);
        await ours.StopAsync();
        var theirs = Track(await GoConfiguredRegistry.StartGoAsync(overriddenRoot, overriddenRoot, Overridden, Cancellation));
        var servedByGo = await Skopeo.ManifestDigestAsync(theirs.ImageReference("env/app:v1"), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(servedByGo, Is.EqualTo(pushed), "the Go registry, on the same file and variables, serves what ours stored");
            Assert.That(Directory.Exists(Path.Combine(overriddenRoot, "docker", "registry", "v2", "repositories", "env", "app")), "stored where REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY says");
            Assert.That(Directory.EnumerateFileSystemEntries(fileRoot), Is.Empty, "nothing where the file says");
        });
    }

    [Test]
    public async Task S3_config_written_for_the_go_registry_serves_the_same_bucket_from_both_registries()
    {
        var s3 = S3Variables();
        var bucket = $"ocireg-goconf-{Guid.NewGuid():N}";
        var configPath = Work.Combine("config.yml");
        // As a Go registry 2.8 deployment writes it: no forcepathstyle (2.8 addresses a regionendpoint by path).
        File.WriteAllText(configPath, $"""
            version: 0.1
            log:
              level: info
            storage:
              s3:
                accesskey: {s3.AccessKey}
                secretkey: {s3.SecretKey}
                region: {s3.Region}
                regionendpoint: {s3.Endpoint}
                bucket: {bucket}
                rootdirectory: /registry/prefix
                chunksize: 5242880
              delete:
                enabled: true
              redirect:
                disable: true
            http:
              addr: :5000
              secret: shared-by-both
            """);
        // AWS_CA_BUNDLE (set on some machines for other tools) makes the Go registry's S3 driver panic at start; the
        // endpoint is plain HTTP, so no CA is needed.
        Start Listening(int port) => new(configPath, new Dictionary<string, string?>
        {
            ["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["AWS_CA_BUNDLE"] = null,
        });
        var first = await TestImages.SingleArchAsync(Work.Combine("first"), "v1", Cancellation);
        var second = await TestImages.MultiArchAsync(Work.Combine("second"), "v2", Cancellation);
        var storage = $"S3 bucket {bucket}";

        // Ours first: it creates the bucket, which the Go registry's driver never does.
        var ours = await StartOursAsync(storage, Listening);
        var pushedHere = await Skopeo.CopyAsync(first.Reference("v1"), ours.ImageReference("s3conf/app:v1"), Cancellation);
        await ours.StopAsync();

        var theirs = Track(await GoConfiguredRegistry.StartGoAsync(storage, null, Listening, Cancellation));
        var pulledByGo = await Skopeo.CopyAsync(theirs.ImageReference("s3conf/app:v1"), $"oci:{Work.Combine("pulled-go")}:v1", Cancellation);
        var pushedThere = await Skopeo.CopyAsync(second.Reference("v2"), theirs.ImageReference("s3conf/app:v2"), Cancellation, "--all");
        await theirs.StopAsync();

        var again = await StartOursAsync(storage, Listening);
        var tags = await Skopeo.ListTagsAsync(again.ImageReference("s3conf/app"), Cancellation);
        var pulledHere = await Skopeo.CopyAsync(again.ImageReference("s3conf/app:v2"), $"oci:{Work.Combine("pulled-here")}:v2", Cancellation, "--all");

        Assert.Multiple(() =>
        {
            Assert.That(pulledByGo, Is.EqualTo(pushedHere), "the Go registry pulls what ours pushed");
            Assert.That(tags, Is.EquivalentTo(new[] { "v1", "v2" }));
            Assert.That(pulledHere, Is.EqualTo(pushedThere), "ours pulls the index the Go registry stored");
        });
    }

    /// <summary>
    /// Only our host here: the Go registry 2.8's Azure driver reaches https://ACCOUNT.blob.REALM only, never an
    /// emulator's address (serviceurl is distribution 3's).
    /// </summary>
    [Test]
    public async Task Azure_config_written_for_the_go_registry_serves_from_a_container()
    {
        StorageServer.Shared(new AzuriteService());
        var parts = Environment.GetEnvironmentVariable(AzuriteService.ConnectionStringVariable)!
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        var container = $"ocireg-goconf-{Guid.NewGuid():N}";
        var configPath = Work.Combine("config.yml");
        File.WriteAllText(configPath, $"""
            version: 0.1
            storage:
              azure:
                accountname: {parts["AccountName"]}
                accountkey: {parts["AccountKey"]}
                container: {container}
                serviceurl: {parts["BlobEndpoint"]}
                rootdirectory: /registry/prefix
              delete:
                enabled: true
            http:
              addr: :5000
            """);
        var image = await TestImages.MultiArchAsync(Work.Combine("image"), "v1", Cancellation);

        var host = await StartOursAsync($"Azure container {container}", ListeningOn(configPath));
        var pushed = await Skopeo.CopyAsync(image.Reference("v1"), host.ImageReference("azure/app:v1"), Cancellation, "--all");
        var pulled = await Skopeo.CopyAsync(host.ImageReference("azure/app:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation, "--all");
        await Skopeo.DeleteAsync(host.ImageReference($"azure/app@{pushed}"), Cancellation);
        var afterDelete = await Skopeo.TryInspectAsync(host.ImageReference("azure/app:v1"), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(pulled, Is.EqualTo(pushed));
            Assert.That(afterDelete.Succeeded, Is.False, "storage.delete.enabled: true lets the manifest be deleted");
            Assert.That(host.Output, Does.Not.Contain("GoRegistryConfiguration[901]"), "no key of this file is ignored");
        });
    }

    [Test]
    public async Task Htpasswd_config_guards_both_registries_with_the_same_users()
    {
        var root = Work.Combine("root", create: true);
        var users = Work.Combine("htpasswd");
        // htpasswd -nbB -C 10 migrator drop-in-secret (bcrypt, the only kind either registry reads)
        File.WriteAllText(users, "migrator:$2y$10$3ao3VhwiM9UDhBHqogsy9.2ibBpqB2zNyWYiAQ1JHtj0HIqULs0IO\n");
        var configPath = WriteFileSystemConfig(root, more: $"""
            auth:
              htpasswd:
                realm: basic-realm
                path: {users}
            """);
        var listening = ListeningOn(configPath);
        var image = await TestImages.SingleArchAsync(Work.Combine("image"), "v1", Cancellation);
        var results = new Dictionary<string, (HttpStatusCode Anonymous, string? Challenge, bool WrongPasswordRefused)>();

        var ours = await StartOursAsync(root, listening);
        results["ours"] = await ProbeAsync(ours);
        var pushed = await Skopeo.CopyAsync(image.Reference("v1"), ours.ImageReference("auth/app:v1"), Cancellation, "--dest-creds", "migrator:drop-in-secret");
        await ours.StopAsync();

        var theirs = Track(await GoConfiguredRegistry.StartGoAsync(root, root, listening, Cancellation));
        results["docker-registry"] = await ProbeAsync(theirs);
        var pulledFromGo = await Skopeo.CopyAsync(theirs.ImageReference("auth/app:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation, "--src-creds", "migrator:drop-in-secret");

        Assert.Multiple(() =>
        {
            foreach (var (registry, result) in results)
            {
                Assert.That(result.Anonymous, Is.EqualTo(HttpStatusCode.Unauthorized), $"{registry}: GET /v2/ without credentials");
                Assert.That(result.Challenge, Does.StartWith("Basic realm=\"basic-realm\""), $"{registry}: challenge");
                Assert.That(result.WrongPasswordRefused, Is.True, $"{registry}: a push with a wrong password");
            }

            Assert.That(pulledFromGo, Is.EqualTo(pushed), "the Go registry lets the same user pull what ours stored");
        });

        async Task<(HttpStatusCode, string?, bool)> ProbeAsync(RegistryProcess registry)
        {
            using var client = new HttpClient { BaseAddress = registry.BaseAddress };
            using var anonymous = await client.GetAsync(new Uri("v2/", UriKind.Relative), Cancellation);
            var wrong = await ExternalProgram.RunAsync("skopeo",
                ["--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", "migrator:wrong", image.Reference("v1"), registry.ImageReference("auth/app:wrong")],
                Cancellation);
            return (anonymous.StatusCode, anonymous.Headers.WwwAuthenticate.ToString(), !wrong.Succeeded);
        }
    }

    [Test]
    public async Task Http_host_prefix_and_debug_metrics_are_served_as_configured()
    {
        var root = Work.Combine("root", create: true);
        var configPath = WriteFileSystemConfig(root, http: """
            host: https://registry.example.com:8443
            prefix: /nested/registry/
            debug:
              prometheus:
                enabled: true
                path: /debug/metrics
            """);
        var host = await StartOursAsync(root, ListeningOn(configPath));
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var upload = await client.PostAsync(new Uri("nested/registry/v2/prefixed/app/blobs/uploads/", UriKind.Relative), null, Cancellation);
        using var forwarded = new HttpRequestMessage(HttpMethod.Post, new Uri("nested/registry/v2/prefixed/app/blobs/uploads/", UriKind.Relative));
        forwarded.Headers.Add("X-Forwarded-Host", "proxy.example");
        using var forwardedUpload = await client.SendAsync(forwarded, Cancellation);
        using var metrics = await client.GetAsync(new Uri("debug/metrics", UriKind.Relative), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(upload.Headers.Location?.ToString(), Does.StartWith("https://registry.example.com:8443/nested/registry/v2/prefixed/app/blobs/uploads/"));
            Assert.That(forwardedUpload.Headers.Location?.ToString(), Does.StartWith("https://registry.example.com:8443/"), "http.host wins over a proxy's headers, as in the Go registry");
            Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.OK), "http.debug.prometheus on the registry's port");
        });
    }

    [Test]
    public async Task Tls_config_serves_https_from_both_registries_with_the_same_certificate()
    {
        var root = Work.Combine("root", create: true);
        var certificate = Work.Combine("domain.crt");
        var key = Work.Combine("domain.key");
        var expected = WriteSelfSignedCertificate(certificate, key);
        var configPath = WriteFileSystemConfig(root, http: $"""
            tls:
              certificate: {certificate}
              key: {key}
              minimumtls: tls1.2
            """);
        var listening = ListeningOn(configPath);
        var image = await TestImages.SingleArchAsync(Work.Combine("image"), "v1", Cancellation);
        var servedCertificates = new Dictionary<string, string?>();

        var ours = await StartOursAsync(root, listening, https: true);
        servedCertificates["ours"] = await ServedCertificateAsync(ours);
        var pushed = await Skopeo.CopyAsync(image.Reference("v1"), ours.ImageReference("tls/app:v1"), Cancellation);
        await ours.StopAsync();
        var theirs = Track(await GoConfiguredRegistry.StartGoAsync(root, root, listening, Cancellation, https: true));
        servedCertificates["docker-registry"] = await ServedCertificateAsync(theirs);
        var pulled = await Skopeo.CopyAsync(theirs.ImageReference("tls/app:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(servedCertificates["ours"], Is.EqualTo(expected), "our host serves the configured certificate");
            Assert.That(servedCertificates["docker-registry"], Is.EqualTo(expected));
            Assert.That(pulled, Is.EqualTo(pushed), "pushed over HTTPS here, pulled over HTTPS there");
        });

        async Task<string?> ServedCertificateAsync(RegistryProcess registry)
        {
            string? thumbprint = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, served, _, _) =>
                {
                    thumbprint = served?.Thumbprint;
                    return true;
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = registry.BaseAddress };
            using var response = await client.GetAsync(new Uri("v2/", UriKind.Relative), Cancellation);
            response.EnsureSuccessStatusCode();
            return thumbprint;
        }
    }

    [Test]
    public async Task Maintenance_read_only_mode_refuses_pushes_and_serves_pulls()
    {
        var root = Work.Combine("root", create: true);
        var image = await TestImages.SingleArchAsync(Work.Combine("image"), "v1", Cancellation);
        var writable = await StartHostAsync("root");
        var pushed = await Skopeo.CopyAsync(image.Reference("v1"), writable.ImageReference("ro/app:v1"), Cancellation);
        await writable.StopAsync();
        var configPath = WriteFileSystemConfig(root, storage: """
            maintenance:
              readonly:
                enabled: true
            """);

        var readOnly = await StartOursAsync(root, ListeningOn(configPath));
        var pulled = await Skopeo.ManifestDigestAsync(readOnly.ImageReference("ro/app:v1"), Cancellation);
        using var client = readOnly.CreateClient();
        using var upload = await client.PostAsync(new Uri("v2/ro/app/blobs/uploads/", UriKind.Relative), null, Cancellation);
        var body = await upload.Content.ReadAsStringAsync(Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(pulled, Is.EqualTo(pushed));
            Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(body, Does.Contain("UNSUPPORTED"));
        });
    }

    [Test]
    public async Task Ignored_keys_are_warned_about_by_name_and_unsafe_ones_stop_the_host()
    {
        var root = Work.Combine("root", create: true);
        var configPath = Work.Combine("config.yml");
        var unsafePath = Work.Combine("unsafe.yml");
        File.WriteAllText(unsafePath, $"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: {root}
            http:
              addr: :5000
              tls:
                certificate: /certs/domain.crt
                key: /certs/domain.key
                clientcas:
                  - /certs/ca.pem
            proxy:
              remoteurl: https://registry-1.docker.io
            """);

        var host = await StartOursAsync(root, port =>
        {
            File.WriteAllText(configPath, $"""
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: {root}
                  cache:
                    blobdescriptor: redis
                http:
                  addr: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
                notifications:
                  endpoints:
                    - name: listener
                      url: https://listener.example/event
                """);
            return new(configPath, new Dictionary<string, string?> { ["REGISTRY_STORAGE_FILESYSTEM_MAXTHREADS"] = "50" });
        });
        await host.StopAsync();
        var refused = await GoConfiguredRegistry.RunOursAsync(["serve", unsafePath], NoEnvironment, Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(host.Output, Does.Contain("storage.cache.blobdescriptor (config.yml line 6): redis: "));
            Assert.That(host.Output, Does.Contain("notifications (config.yml line 9): webhook notifications are not sent"));
            Assert.That(host.Output, Does.Contain("storage.filesystem.maxthreads (REGISTRY_STORAGE_FILESYSTEM_MAXTHREADS): "));
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.StandardError, Does.Contain("http.tls.clientcas (unsafe.yml line 10): client certificate authentication is not supported"));
            Assert.That(refused.StandardError, Does.Contain("proxy (unsafe.yml line 12): a pull-through cache"));
        });
    }

    [Test]
    public async Task Garbage_collect_reads_the_same_config_file_as_the_go_registry_collector()
    {
        var root = Work.Combine("root", create: true);
        var configPath = WriteFileSystemConfig(root, storage: """
            delete:
              enabled: true
            """);
        var listening = ListeningOn(configPath);
        var old = await TestImages.SingleArchAsync(Work.Combine("old"), "v1", Cancellation);
        var current = await TestImages.SingleArchAsync(Work.Combine("current"), "v1", Cancellation);
        var host = await StartOursAsync(root, listening);
        var replaced = await Skopeo.CopyAsync(old.Reference("v1"), host.ImageReference("gc/app:v1"), Cancellation);
        var kept = await Skopeo.CopyAsync(current.Reference("v1"), host.ImageReference("gc/app:v1"), Cancellation);
        await host.StopAsync();

        // The command line still wins over the file: no grace period, so what was just pushed may go.
        var collected = await GoConfiguredRegistry.RunOursAsync(
            ["garbage-collect", "--delete-untagged", configPath, "--OciRegistry:GarbageCollection:GracePeriod=00:00:00", "--OciRegistry:GarbageCollection:SettleDelay=00:00:00"],
            NoEnvironment, Cancellation);
        var goAfter = await ExternalProgram.RunCheckedAsync(GoRegistry.Executable, ["garbage-collect", "--dry-run", "--delete-untagged", configPath], Cancellation);
        var go = Track(await GoConfiguredRegistry.StartGoAsync(root, root, listening, Cancellation));
        var served = await Skopeo.ManifestDigestAsync(go.ImageReference("gc/app:v1"), Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(collected.ExitCode, Is.EqualTo(0), collected.ToString());
            Assert.That(collected.StandardOutputText, Does.Contain($"deleted manifest gc/app@{replaced}"));
            Assert.That(goAfter.StandardOutputText, Does.Contain("0 blobs and 0 manifests eligible for deletion"), "the Go collector, on the same file, finds nothing left");
            Assert.That(served, Is.EqualTo(kept));
        });
    }

    /// <summary>
    /// Writes config.yml for the filesystem driver on <paramref name="root"/> and returns its path. <paramref name="storage"/>
    /// and <paramref name="http"/> are more keys in those sections, <paramref name="more"/> more sections. It says
    /// <c>addr: :5000</c>, as such files do; <see cref="ListeningOn"/> moves the registry to a free port.
    /// </summary>
    private string WriteFileSystemConfig(string root, string storage = "", string http = "", string more = "")
    {
        var path = Work.Combine("config.yml");
        File.WriteAllText(path, $"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: {root}
            {Indented(storage)}
            http:
              addr: :5000
            {Indented(http)}
            {more}
            """);
        return path;

        static string Indented(string keys) => string.Join('\n', keys.Split('\n').Select(line => "  " + line));
    }

    /// <summary>Starts on the given file, listening where the test wants through <c>REGISTRY_HTTP_ADDR</c>.</summary>
    private static Func<int, Start> ListeningOn(string configPath) =>
        port => new(configPath, new Dictionary<string, string?> { ["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" });

    /// <summary>Writes a self-signed certificate for 127.0.0.1 and its key as PEM files; returns its thumbprint.</summary>
    private static string WriteSelfSignedCertificate(string certificatePath, string keyPath)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return certificate.Thumbprint;
    }

    private async Task<RegistryProcess> StartOursAsync(string storage, Func<int, Start> prepare, bool https = false) =>
        Track(await GoConfiguredRegistry.StartOursAsync(storage, Directory.Exists(storage) ? storage : null, prepare, Cancellation, https));

    private static (string Endpoint, string AccessKey, string SecretKey, string Region) S3Variables()
    {
        StorageServer.Shared(new SwiftS3Service());
        return (Environment.GetEnvironmentVariable(SwiftS3Service.EndpointVariable)!, Environment.GetEnvironmentVariable(SwiftS3Service.AccessKeyVariable)!,
            Environment.GetEnvironmentVariable(SwiftS3Service.SecretKeyVariable)!, Environment.GetEnvironmentVariable(SwiftS3Service.RegionVariable)!);
    }
}
