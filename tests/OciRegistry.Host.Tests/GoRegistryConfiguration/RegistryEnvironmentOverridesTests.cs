using OciRegistry.Host.GoRegistryConfiguration;
using static OciRegistry.Host.Tests.GoRegistryConfiguration.GoRegistryConfigurationMapperTests;

namespace OciRegistry.Host.Tests.GoRegistryConfiguration;

/// <summary><c>REGISTRY_*</c> environment variables override the file as they do for the Go registry.</summary>
internal sealed class RegistryEnvironmentOverridesTests
{
    [Test]
    public void Root_directory_and_listen_address_are_overridden()
    {
        var mapping = Map(ClassicConfig, ("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/srv/images"), ("REGISTRY_HTTP_ADDR", "127.0.0.1:6000"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:Storage:FileSystem:RootDirectory"], Is.EqualTo("/srv/images"));
            Assert.That(mapping.Settings["urls"], Is.EqualTo("http://127.0.0.1:6000"));
            Assert.That(mapping.Errors, Is.Empty);
        });
    }

    [Test]
    public void Values_are_yaml_so_booleans_and_lists_work()
    {
        var mapping = Map(ClassicConfig,
            ("REGISTRY_STORAGE_DELETE_ENABLED", "true"),
            ("REGISTRY_HTTP_HEADERS_X-FRAME-OPTIONS", "[DENY]"),
            ("REGISTRY_LOG_LEVEL", "debug"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:Storage:DeleteEnabled"], Is.EqualTo("true"));
            Assert.That(mapping.Settings["OciRegistry:Http:Headers:x-frame-options:0"], Is.EqualTo("DENY"));
            Assert.That(mapping.Settings["Logging:LogLevel:Default"], Is.EqualTo("Debug"));
        });
    }

    [Test]
    public void Whole_section_is_replaced_before_its_keys_are_set_in_name_order()
    {
        // Given in the "wrong" order: REGISTRY_STORAGE applies first because its name sorts first, as in the Go registry.
        var mapping = Map(ClassicConfig,
            ("REGISTRY_STORAGE_S3_BUCKET", "images"),
            ("REGISTRY_STORAGE_S3_REGION", "us-east-1"),
            ("REGISTRY_STORAGE", "s3"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors, Is.Empty);
            Assert.That(mapping.Settings["OciRegistry:Storage:Driver"], Is.EqualTo("s3"));
            Assert.That(mapping.Settings["OciRegistry:Storage:S3:Bucket"], Is.EqualTo("images"));
            Assert.That(mapping.Settings.ContainsKey("OciRegistry:Storage:FileSystem:RootDirectory"), Is.False);
        });
    }

    [Test]
    public void Second_driver_from_the_environment_is_refused_as_the_go_registry_does()
    {
        var mapping = Map("version: 0.1\nstorage:\n  s3:\n    bucket: b\n", ("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/data"));

        Assert.That(mapping.Errors.Single().Message, Does.Contain("s3, filesystem"));
    }

    [Test]
    public void Keys_match_ignoring_case_and_unknown_ones_are_warned_about_with_the_variable()
    {
        // Kubernetes sets REGISTRY_PORT=tcp://... for a service named "registry".
        var mapping = Map("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /data\n", ("REGISTRY_PORT", "tcp://10.0.0.1:5000"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Findings.Single().ToString(), Is.EqualTo("port (REGISTRY_PORT): not supported by this registry; ignored."));
            Assert.That(mapping.Settings["OciRegistry:Storage:FileSystem:RootDirectory"], Is.EqualTo("/data"));
        });
    }

    [Test]
    public void Version_configuration_path_and_other_environment_are_left_alone()
    {
        var mapping = Map(ClassicConfig,
            ("REGISTRY_VERSION", "0.2"),
            ("REGISTRY_CONFIGURATION_PATH", "/etc/docker/registry/config.yml"),
            ("HTTP_ADDR", ":1"),
            ("registry_http_addr", ":2"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Errors, Is.Empty);
            Assert.That(mapping.Settings["urls"], Is.EqualTo("http://*:5000"));
            Assert.That(mapping.Findings.Where(finding => finding.Origin == "REGISTRY_VERSION"), Has.Exactly(1).Items);
            Assert.That(mapping.Findings.Where(finding => finding.Origin == "REGISTRY_CONFIGURATION_PATH"), Is.Empty);
        });
    }

    [Test]
    public void List_items_are_indexed_by_number()
    {
        var mapping = Map(ClassicConfig, ("REGISTRY_HTTP_HEADERS_X-CONTENT-TYPE-OPTIONS_1", "other"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:Http:Headers:X-Content-Type-Options:0"], Is.EqualTo("nosniff"));
            Assert.That(mapping.Settings["OciRegistry:Http:Headers:X-Content-Type-Options:1"], Is.EqualTo("other"));
        });
    }

    [Test]
    public void Auth_can_be_configured_from_the_environment_alone()
    {
        var mapping = Map(ClassicConfig,
            ("REGISTRY_AUTH", "htpasswd"),
            ("REGISTRY_AUTH_HTPASSWD_PATH", "/auth/htpasswd"),
            ("REGISTRY_AUTH_HTPASSWD_REALM", "Registry Realm"));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Settings["OciRegistry:Auth:Htpasswd:Path"], Is.EqualTo("/auth/htpasswd"));
            Assert.That(mapping.Settings["OciRegistry:Auth:Htpasswd:Realm"], Is.EqualTo("Registry Realm"));
        });
    }
}
