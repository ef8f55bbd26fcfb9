using OciRegistry.Host.GoRegistryConfiguration;

namespace OciRegistry.Host.Tests.GoRegistryConfiguration;

/// <summary>What each key of a Go registry config.yml becomes in this host's configuration, and what is reported.</summary>
internal sealed class GoRegistryConfigurationMapperTests
{
    /// <summary>The classic config.yml of the Go registry's images (and of the Cloud Foundry recipe this project replaces).</summary>
    public const string ClassicConfig = """
        version: 0.1
        log:
          fields:
            service: registry
        storage:
          cache:
            blobdescriptor: inmemory
          filesystem:
            rootdirectory: /var/lib/registry
        http:
          addr: :5000
          headers:
            X-Content-Type-Options: [nosniff]
        health:
          storagedriver:
            enabled: true
            interval: 10s
            threshold: 3
        """;

    public static GoRegistryConfigurationMapping Map(string yaml, params (string Name, string Value)[] environment) =>
        GoRegistryConfigurationLoader.Map(yaml, "config.yml", environment.Select(variable => new KeyValuePair<string, string?>(variable.Name, variable.Value)));

    /// <summary>Maps a config.yml on the filesystem driver (<c>storage: filesystem</c>) with <paramref name="keys"/> besides.</summary>
    private static GoRegistryConfigurationMapping MapOnFileSystem(string keys) => Map("version: 0.1\nstorage: filesystem\n" + keys);

    private static GoRegistryConfigurationFinding Single(GoRegistryConfigurationMapping mapping, string key) =>
        mapping.Findings.Single(finding => finding.Key == key);

    [Test]
    public void Classic_config_serves_its_folder_on_every_interface_with_deletes_off_and_its_headers()
    {
        var mapping = Map(ClassicConfig);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:Storage:Driver"], Is.EqualTo("filesystem"));
            Assert.That(mapping.Settings["OciRegistry:Storage:FileSystem:RootDirectory"], Is.EqualTo("/var/lib/registry"));
            Assert.That(mapping.Settings["urls"], Is.EqualTo("http://*:5000"));
            Assert.That(mapping.Settings["OciRegistry:Storage:DeleteEnabled"], Is.EqualTo("false"), "the Go registry refuses deletes unless storage.delete.enabled");
            Assert.That(mapping.Settings["OciRegistry:Http:Headers:X-Content-Type-Options:0"], Is.EqualTo("nosniff"));
            Assert.That(mapping.Settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"], Is.EqualTo("Information"), "the Go registry logs each request");
            Assert.That(mapping.Errors, Is.Empty);
            Assert.That(Single(mapping, "log.fields").Severity, Is.EqualTo(GoRegistryFindingSeverity.Warning));
            Assert.That(Single(mapping, "log.fields").Origin, Is.EqualTo("config.yml line 3"));
            Assert.That(Single(mapping, "health.storagedriver").Severity, Is.EqualTo(GoRegistryFindingSeverity.Note));
            Assert.That(mapping.Findings.Select(finding => finding.Key), Is.EquivalentTo(new[] { "log.fields", "health.storagedriver" }),
                "storage.cache.blobdescriptor: inmemory is accepted without a word");
        });
    }

    [Test]
    public void S3_parameters_map_to_the_s3_driver()
    {
        var mapping = Map("""
            version: 0.1
            storage:
              s3:
                accesskey: AKIA
                secretkey: s3cr3t
                region: eu-west-1
                regionendpoint: http://127.0.0.1:9000
                bucket: images
                rootdirectory: /registry/prefix
                chunksize: 33554432
                secure: false
                v4auth: true
              delete:
                enabled: true
              redirect:
                disable: true
            """);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors, Is.Empty);
            Assert.That(mapping.Findings, Is.Empty);
            Assert.That(mapping.Settings, Is.EquivalentTo(new Dictionary<string, string?>
            {
                ["OciRegistry:Storage:Driver"] = "s3",
                ["OciRegistry:Storage:S3:AccessKeyId"] = "AKIA",
                ["OciRegistry:Storage:S3:SecretAccessKey"] = "s3cr3t",
                ["OciRegistry:Storage:S3:Region"] = "eu-west-1",
                ["OciRegistry:Storage:S3:ServiceUrl"] = "http://127.0.0.1:9000",
                ["OciRegistry:Storage:S3:ForcePathStyle"] = "true",
                ["OciRegistry:Storage:S3:Bucket"] = "images",
                ["OciRegistry:Storage:S3:RootDirectory"] = "/registry/prefix",
                ["OciRegistry:Storage:S3:PartSizeMiB"] = "32",
                ["OciRegistry:Storage:DeleteEnabled"] = "true",
                ["OciRegistry:Storage:Redirect:Enabled"] = "false",
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            }));
        });
    }

    [TestCase("minio.local:9000", "false", "http://minio.local:9000")]
    [TestCase("minio.local:9000", null, "https://minio.local:9000")]
    [TestCase("https://s3.example", "false", "https://s3.example")]
    public void S3_endpoint_without_a_scheme_gets_the_one_secure_says(string endpoint, string? secure, string expected)
    {
        var mapping = Map($"""
            version: 0.1
            storage:
              s3:
                bucket: b
                regionendpoint: {endpoint}
            {(secure is null ? string.Empty : $"    secure: {secure}")}
            """);

        Assert.That(mapping.Settings["OciRegistry:Storage:S3:ServiceUrl"], Is.EqualTo(expected));
    }

    [Test]
    public void S3_forcepathstyle_as_written_wins_and_amazon_s3_gets_virtual_hosts()
    {
        var explicitFalse = Map("version: 0.1\nstorage:\n  s3:\n    bucket: b\n    regionendpoint: http://h:1\n    forcepathstyle: false\n");
        var amazon = Map("version: 0.1\nstorage:\n  s3:\n    bucket: b\n    region: us-east-1\n");

        Assert.Multiple(() =>
        {
            Assert.That(explicitFalse.Settings["OciRegistry:Storage:S3:ForcePathStyle"], Is.EqualTo("false"));
            Assert.That(amazon.Settings.ContainsKey("OciRegistry:Storage:S3:ForcePathStyle"), Is.False);
            Assert.That(amazon.Settings.ContainsKey("OciRegistry:Storage:S3:ServiceUrl"), Is.False);
        });
    }

    [Test]
    public void S3_chunksize_is_rounded_up_to_whole_MiB_and_below_5_MiB_refused()
    {
        var odd = Map("version: 0.1\nstorage:\n  s3:\n    bucket: b\n    chunksize: 10000000\n");
        var small = Map("version: 0.1\nstorage:\n  s3:\n    bucket: b\n    chunksize: 1048576\n");

        Assert.Multiple(() =>
        {
            Assert.That(odd.Settings["OciRegistry:Storage:S3:PartSizeMiB"], Is.EqualTo("10"));
            Assert.That(Single(odd, "storage.s3.chunksize").Severity, Is.EqualTo(GoRegistryFindingSeverity.Note));
            Assert.That(Single(small, "storage.s3.chunksize").Severity, Is.EqualTo(GoRegistryFindingSeverity.Error));
        });
    }

    [Test]
    public void S3_without_bucket_and_with_a_kms_key_is_refused_and_tuning_keys_are_warned_about()
    {
        var mapping = Map("""
            version: 0.1
            storage:
              s3:
                region: us-east-1
                keyid: arn:aws:kms:key
                storageclass: REDUCED_REDUNDANCY
                multipartcopychunksize: 33554432
            """);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors.Select(error => error.Key), Is.EquivalentTo(new[] { "storage.s3.bucket", "storage.s3.keyid" }));
            Assert.That(Single(mapping, "storage.s3.storageclass").Severity, Is.EqualTo(GoRegistryFindingSeverity.Warning));
            Assert.That(Single(mapping, "storage.s3.multipartcopychunksize").Severity, Is.EqualTo(GoRegistryFindingSeverity.Warning));
        });
    }

    [Test]
    public void Azure_parameters_map_to_the_azure_driver_and_realm_to_the_service_url()
    {
        var mapping = Map("""
            version: 0.1
            storage:
              azure:
                accountname: acct
                accountkey: a2V5
                container: images
                realm: core.chinacloudapi.cn
                rootdirectory: /reg
            """);
        var serviceUrl = Map("version: 0.1\nstorage:\n  azure:\n    accountname: a\n    accountkey: k\n    container: c\n    serviceurl: http://127.0.0.1:10000/a\n");

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors, Is.Empty);
            Assert.That(mapping.Settings["OciRegistry:Storage:Driver"], Is.EqualTo("azure"));
            Assert.That(mapping.Settings["OciRegistry:Storage:Azure:AccountName"], Is.EqualTo("acct"));
            Assert.That(mapping.Settings["OciRegistry:Storage:Azure:AccountKey"], Is.EqualTo("a2V5"));
            Assert.That(mapping.Settings["OciRegistry:Storage:Azure:Container"], Is.EqualTo("images"));
            Assert.That(mapping.Settings["OciRegistry:Storage:Azure:RootDirectory"], Is.EqualTo("/reg"));
            Assert.That(mapping.Settings["OciRegistry:Storage:Azure:ServiceUri"], Is.EqualTo("https://acct.blob.core.chinacloudapi.cn"));
            Assert.That(serviceUrl.Settings["OciRegistry:Storage:Azure:ServiceUri"], Is.EqualTo("http://127.0.0.1:10000/a"));
        });
    }

    [Test]
    public void Azure_client_secret_credentials_are_refused_with_what_to_do_instead()
    {
        var mapping = Map("""
            version: 0.1
            storage:
              azure:
                accountname: acct
                container: images
                credentials:
                  type: client_secret
                  clientid: id
                  tenantid: t
                  secret: s
            """);

        Assert.That(mapping.Errors.Single().Message, Does.Contain("AZURE_CLIENT_SECRET"));
    }

    [TestCase("gcs")]
    [TestCase("swift")]
    [TestCase("oss")]
    [TestCase("inmemory")]
    public void Other_storage_drivers_are_refused(string driver)
    {
        var mapping = Map($"version: 0.1\nstorage:\n  {driver}:\n    bucket: b\n");

        Assert.That(mapping.Errors.Single().Key, Is.EqualTo($"storage.{driver}"));
    }

    [Test]
    public void No_storage_or_two_drivers_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Map("version: 0.1\nhttp:\n  addr: :5000\n").Errors.Single().Key, Is.EqualTo("storage"));
            Assert.That(Map("version: 0.1\nstorage:\n  filesystem: {}\n  s3:\n    bucket: b\n").Errors.Single().Message, Does.Contain("filesystem, s3"));
        });
    }

    [Test]
    public void Bare_driver_name_uses_the_go_registry_default_folder()
    {
        var mapping = Map("version: 0.1\nstorage: filesystem\n");

        Assert.That(mapping.Settings["OciRegistry:Storage:FileSystem:RootDirectory"], Is.EqualTo("/var/lib/registry"));
    }

    [Test]
    public void Maintenance_maps_upload_purging_age_and_read_only_mode()
    {
        var mapping = Map("""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: /data
              maintenance:
                uploadpurging:
                  enabled: true
                  age: 48h
                  interval: 24h
                  dryrun: false
                readonly:
                  enabled: true
            """);
        var disabled = Map("version: 0.1\nstorage:\n  filesystem: {}\n  maintenance:\n    uploadpurging:\n      enabled: false\n");

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:GarbageCollection:UploadPurgeAge"], Is.EqualTo("2.00:00:00"));
            Assert.That(mapping.Settings[GoRegistryConfigurationMapper.ReadOnlyKey], Is.EqualTo("true"));
            Assert.That(Single(mapping, "storage.maintenance.uploadpurging.interval").Severity, Is.EqualTo(GoRegistryFindingSeverity.Note));
            Assert.That(disabled.Settings["OciRegistry:GarbageCollection:UploadPurgeAge"], Is.EqualTo("36500.00:00:00"), "no upload is ever old enough");
        });
    }

    [Test]
    public void Redis_cache_is_warned_about()
    {
        var mapping = Map("version: 0.1\nstorage:\n  filesystem: {}\n  cache:\n    blobdescriptor: redis\nredis:\n  addr: localhost:6379\n");

        Assert.That(mapping.Findings.Where(finding => finding.Severity == GoRegistryFindingSeverity.Warning).Select(finding => finding.Key),
            Is.EquivalentTo(new[] { "storage.cache.blobdescriptor", "redis" }));
    }

    [TestCase(":5000", "http://*:5000")]
    [TestCase("0.0.0.0:5000", "http://*:5000")]
    [TestCase("127.0.0.1:5001", "http://127.0.0.1:5001")]
    [TestCase("localhost:5000", "http://localhost:5000")]
    [TestCase("[::1]:5000", "http://[::1]:5000")]
    public void Http_addr_becomes_the_listen_url(string address, string url)
    {
        var mapping = MapOnFileSystem($"http:\n  addr: \"{address}\"\n");

        Assert.That(mapping.Settings["urls"], Is.EqualTo(url));
    }

    [Test]
    public void Http_addr_on_a_unix_socket_listens_there()
    {
        var mapping = MapOnFileSystem("http:\n  net: unix\n  addr: /run/registry.sock\n");

        Assert.That(mapping.Settings["urls"], Is.EqualTo("http://unix:/run/registry.sock"));
    }

    [TestCase("5000")]
    [TestCase("host:port")]
    public void Http_addr_without_a_port_is_refused(string address)
    {
        var mapping = MapOnFileSystem($"http:\n  addr: \"{address}\"\n");

        Assert.That(mapping.Errors.Single().Key, Is.EqualTo("http.addr"));
    }

    [Test]
    public void Http_settings_map_to_the_host()
    {
        var mapping = MapOnFileSystem("""
            http:
              addr: :5000
              host: https://registry.example.com:8443
              prefix: /nested/registry/
              secret: hmac-key
              relativeurls: true
              draintimeout: 60s
              http2:
                disabled: true
            """);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Findings, Is.Empty);
            Assert.That(mapping.Settings[GoRegistryConfigurationMapper.ExternalUrlKey], Is.EqualTo("https://registry.example.com:8443"));
            Assert.That(mapping.Settings[GoRegistryConfigurationMapper.PathPrefixKey], Is.EqualTo("/nested/registry"));
            Assert.That(mapping.Settings["OciRegistry:Http:Secret"], Is.EqualTo("hmac-key"));
            Assert.That(mapping.Settings["OciRegistry:Http:RelativeUrls"], Is.EqualTo("true"));
            Assert.That(mapping.Settings["shutdownTimeoutSeconds"], Is.EqualTo("60"));
            Assert.That(mapping.Settings["Kestrel:EndpointDefaults:Protocols"], Is.EqualTo("Http1"));
        });
    }

    [Test]
    public void Tls_certificate_and_key_serve_https_with_kestrels_default_certificate()
    {
        var mapping = MapOnFileSystem("""
            http:
              addr: :5443
              tls:
                certificate: /certs/domain.crt
                key: /certs/domain.key
                minimumtls: tls1.3
            """);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Findings, Is.Empty);
            Assert.That(mapping.Settings["urls"], Is.EqualTo("https://*:5443"));
            Assert.That(mapping.Settings["Kestrel:Certificates:Default:Path"], Is.EqualTo("/certs/domain.crt"));
            Assert.That(mapping.Settings["Kestrel:Certificates:Default:KeyPath"], Is.EqualTo("/certs/domain.key"));
            Assert.That(mapping.Settings["Kestrel:EndpointDefaults:SslProtocols:0"], Is.EqualTo("Tls13"));
        });
    }

    [Test]
    public void Tls_we_cannot_honour_and_a_pull_through_proxy_are_refused()
    {
        var mapping = MapOnFileSystem("""
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
        var letsEncrypt = MapOnFileSystem("http:\n  tls:\n    letsencrypt:\n      cachefile: /c\n      email: a@b.c\n");
        var keyless = MapOnFileSystem("http:\n  tls:\n    certificate: /c.pem\n");

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors.Select(error => error.Key), Is.EquivalentTo(new[] { "http.tls.clientcas", "proxy" }));
            Assert.That(letsEncrypt.Errors.Single().Key, Is.EqualTo("http.tls.letsencrypt"));
            Assert.That(keyless.Errors.Single().Key, Is.EqualTo("http.tls.key"));
        });
    }

    [Test]
    public void Debug_server_address_is_warned_about()
    {
        var mapping = MapOnFileSystem("http:\n  debug:\n    addr: localhost:5001\n");

        Assert.That(Single(mapping, "http.debug.addr").Severity, Is.EqualTo(GoRegistryFindingSeverity.Warning));
    }

    [Test]
    public void Debug_prometheus_endpoint_becomes_the_hosts_prometheus_exporter()
    {
        var mapping = MapOnFileSystem("http:\n  debug:\n    addr: :5001\n    prometheus:\n      enabled: true\n      path: /debug/metrics\n");

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["Telemetry:Exporters"], Is.EqualTo("prometheus"));
            Assert.That(mapping.Settings["Telemetry:Prometheus:Path"], Is.EqualTo("/debug/metrics"));
            Assert.That(Single(mapping, "http.debug.prometheus").Severity, Is.EqualTo(GoRegistryFindingSeverity.Note));
            Assert.That(Single(mapping, "http.debug.addr").Severity, Is.EqualTo(GoRegistryFindingSeverity.Warning));
        });
    }

    [Test]
    public void Unknown_and_misspelled_keys_are_warned_about_by_name()
    {
        var mapping = Map("""
            version: 0.1
            storage:
              filesystem:
                rootDirectory: /data
            notifications:
              endpoints:
                - name: listener
                  url: https://listener.example/event
            frobnicate: true
            """);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors, Is.Empty);
            Assert.That(mapping.Findings.Select(finding => finding.ToString()), Is.EquivalentTo(new[]
            {
                "storage.filesystem.rootDirectory (config.yml line 4): not supported by this registry; ignored.",
                "notifications (config.yml line 5): webhook notifications are not sent by this registry; ignored.",
                "frobnicate (config.yml line 9): not supported by this registry; ignored.",
            }));
            Assert.That(mapping.Settings["OciRegistry:Storage:FileSystem:RootDirectory"], Is.EqualTo("/var/lib/registry"), "as the Go registry, which reads keys in lower case only");
        });
    }

    [TestCase("version: 0.2\nstorage: filesystem\n")]
    [TestCase("storage: filesystem\n")]
    public void A_version_other_than_0_1_is_refused(string yaml)
    {
        Assert.That(Map(yaml).Errors.Single().Key, Is.EqualTo("version"));
    }

    [Test]
    public void Validation_url_lists_and_repository_classes_are_refused()
    {
        var mapping = MapOnFileSystem("""
            validation:
              manifests:
                urls:
                  allow:
                    - ^https?://example\.com/
            policy:
              repository:
                classes: [image]
            """);

        Assert.That(mapping.Errors.Select(error => error.Key), Is.EquivalentTo(new[] { "validation.manifests", "policy.repository.classes" }));
    }

    [TestCase("error", "Error")]
    [TestCase("warn", "Warning")]
    [TestCase("info", "Information")]
    [TestCase("debug", "Debug")]
    public void Log_level_maps_to_the_default_log_level(string level, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(MapOnFileSystem($"log:\n  level: {level}\n").Settings["Logging:LogLevel:Default"], Is.EqualTo(expected));
            Assert.That(MapOnFileSystem($"loglevel: {level}\n").Settings["Logging:LogLevel:Default"], Is.EqualTo(expected), "the deprecated top-level loglevel");
        });
    }

    [Test]
    public void Log_formatter_json_and_access_log_off_map_to_console_settings()
    {
        var mapping = MapOnFileSystem("log:\n  formatter: json\n  accesslog:\n    disabled: true\n  level: verbose\n");

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["Logging:Console:FormatterName"], Is.EqualTo("json"));
            Assert.That(mapping.Settings.ContainsKey("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"), Is.False);
            Assert.That(mapping.Errors.Single().Key, Is.EqualTo("log.level"));
        });
    }

    [Test]
    public void Htpasswd_auth_maps_to_the_auth_keys()
    {
        var mapping = MapOnFileSystem("auth:\n  htpasswd:\n    realm: basic-realm\n    path: /auth/htpasswd\n");

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Findings, Is.Empty);
            Assert.That(mapping.Settings["OciRegistry:Auth:Htpasswd:Path"], Is.EqualTo("/auth/htpasswd"));
            Assert.That(mapping.Settings["OciRegistry:Auth:Htpasswd:Realm"], Is.EqualTo("basic-realm"));
        });
    }

    [TestCase("rootcertbundle")]
    [TestCase("jwks")]
    public void Token_auth_maps_to_the_auth_keys(string keysKey)
    {
        var mapping = MapOnFileSystem($"""
            auth:
              token:
                realm: https://auth.example.com/token
                service: registry.example.com
                issuer: auth-service
                {keysKey}: /certs/keys
            """);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:Auth:Token:Realm"], Is.EqualTo("https://auth.example.com/token"));
            Assert.That(mapping.Settings["OciRegistry:Auth:Token:Service"], Is.EqualTo("registry.example.com"));
            Assert.That(mapping.Settings["OciRegistry:Auth:Token:Issuer"], Is.EqualTo("auth-service"));
            Assert.That(mapping.Settings["OciRegistry:Auth:Token:SigningKeys"], Is.EqualTo("/certs/keys"));
            Assert.That(mapping.Errors, Is.Empty);
        });
    }

    [Test]
    public void Auth_we_cannot_honour_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MapOnFileSystem("auth:\n  silly:\n    realm: r\n    service: s\n").Errors.Select(error => error.Key), Does.Contain("auth.silly"));
            Assert.That(MapOnFileSystem("auth:\n  htpasswd:\n    realm: r\n").Errors.Select(error => error.Key), Does.Contain("auth.htpasswd.path"));
            Assert.That(MapOnFileSystem("auth:\n  token:\n    realm: r\n    service: s\n    issuer: i\n").Errors.Select(error => error.Key),
                Does.Contain("auth.token.rootcertbundle"));
            Assert.That(MapOnFileSystem("auth:\n  htpasswd:\n    realm: r\n    path: p\n  token:\n    realm: r\n").Errors.Select(error => error.Key),
                Does.Contain("auth"));
        });
    }

    [Test]
    public void Invalid_yaml_is_refused_with_its_line()
    {
        var invalid = Assert.Throws<GoRegistryConfigurationException>(() => Map("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: [unclosed\n"));

        Assert.That(invalid!.Message, Does.StartWith("config.yml line "));
    }
}
