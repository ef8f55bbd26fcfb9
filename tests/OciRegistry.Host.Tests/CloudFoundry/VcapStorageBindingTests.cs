using Microsoft.Extensions.Configuration;
using OciRegistry.Host.CloudFoundry;

namespace OciRegistry.Host.Tests.CloudFoundry;

/// <summary>What a <c>VCAP_SERVICES</c> binding becomes in the host's configuration, for every shape the host knows.</summary>
public sealed class VcapStorageBindingTests
{
    [Test]
    public void No_bindings_add_no_keys([Values(null, "", "  ", "{}")] string? vcapServices) =>
        Assert.That(VcapStorageBinding.Read(vcapServices), Is.Empty);

    [Test]
    public void Bindings_of_other_services_are_ignored()
    {
        const string vcap = """
            {"p.mysql":[{"name":"db","credentials":{"hostname":"10.0.0.1","username":"u","password":"p"}}],
             "syslog":[{"name":"drain","credentials":null}],
             "user-provided":[{"name":"feature-flags","credentials":{"bucketing":"on"}}]}
            """;

        Assert.That(VcapStorageBinding.Read(vcap), Is.Empty);
    }

    [Test]
    public void User_provided_s3_credentials_in_camelCase_become_S3_settings()
    {
        const string vcap = """
            {"user-provided":[{"name":"registry-bucket","label":"user-provided","credentials":{
              "driver":"s3","bucket":"images","region":"eu-central-1","serviceUrl":"http://minio.internal:9000",
              "forcePathStyle":true,"accessKeyId":"AKIA","secretAccessKey":"s3cr3t","rootDirectory":"team-a","partSizeMiB":32,"timeout":"00:01:00"}}]}
            """;

        Assert.That(VcapStorageBinding.Read(vcap), Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["OciRegistry:Storage:Driver"] = "s3",
            ["OciRegistry:Storage:S3:Bucket"] = "images",
            ["OciRegistry:Storage:S3:Region"] = "eu-central-1",
            ["OciRegistry:Storage:S3:ServiceUrl"] = "http://minio.internal:9000",
            ["OciRegistry:Storage:S3:ForcePathStyle"] = "true",
            ["OciRegistry:Storage:S3:AccessKeyId"] = "AKIA",
            ["OciRegistry:Storage:S3:SecretAccessKey"] = "s3cr3t",
            ["OciRegistry:Storage:S3:RootDirectory"] = "team-a",
            ["OciRegistry:Storage:S3:PartSizeMiB"] = "32",
            ["OciRegistry:Storage:S3:Timeout"] = "00:01:00",
        }));
    }

    [Test]
    public void User_provided_azure_credentials_in_PascalCase_become_Azure_settings()
    {
        const string vcap = """
            {"user-provided":[{"name":"blobs","credentials":{"Driver":"Azure","ConnectionString":"UseDevelopmentStorage=true","Container":"registry"}}]}
            """;

        Assert.That(VcapStorageBinding.Read(vcap), Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["OciRegistry:Storage:Driver"] = "azure",
            ["OciRegistry:Storage:Azure:ConnectionString"] = "UseDevelopmentStorage=true",
            ["OciRegistry:Storage:Azure:Container"] = "registry",
        }));
    }

    [Test]
    public void User_provided_filesystem_credentials_name_the_root_folder()
    {
        const string vcap = """{"user-provided":[{"name":"nfs","credentials":{"driver":"filesystem","rootDirectory":"/var/vcap/data/registry"}}]}""";

        Assert.That(VcapStorageBinding.Read(vcap), Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["OciRegistry:Storage:Driver"] = "filesystem",
            ["OciRegistry:Storage:FileSystem:RootDirectory"] = "/var/vcap/data/registry",
        }));
    }

    [Test]
    public void S3_broker_credentials_without_endpoint_address_Amazon_S3()
    {
        const string vcap = """
            {"aws-s3":[{"name":"registry-bucket","label":"aws-s3","plan":"standard","credentials":{
              "access_key_id":"AKIA","secret_access_key":"s3cr3t","bucket":"cf-registry-1234","region":"us-west-2"}}]}
            """;

        Assert.That(VcapStorageBinding.Read(vcap), Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["OciRegistry:Storage:Driver"] = "s3",
            ["OciRegistry:Storage:S3:Bucket"] = "cf-registry-1234",
            ["OciRegistry:Storage:S3:AccessKeyId"] = "AKIA",
            ["OciRegistry:Storage:S3:SecretAccessKey"] = "s3cr3t",
            ["OciRegistry:Storage:S3:Region"] = "us-west-2",
        }));
    }

    [TestCase("endpoint", "http://10.0.0.5:9000", "http://10.0.0.5:9000")]
    [TestCase("host", "s3.example.internal", "https://s3.example.internal")]
    public void S3_broker_credentials_with_an_endpoint_address_that_service_in_path_style(string key, string value, string serviceUrl)
    {
        var vcap = $$$"""
            {"minio":[{"name":"bucket","credentials":{"access_key_id":"a","secret_access_key":"s","bucket":"b","{{{key}}}":"{{{value}}}"}}]}
            """;

        var keys = VcapStorageBinding.Read(vcap);

        Assert.Multiple(() =>
        {
            Assert.That(keys["OciRegistry:Storage:S3:ServiceUrl"], Is.EqualTo(serviceUrl));
            Assert.That(keys["OciRegistry:Storage:S3:ForcePathStyle"], Is.EqualTo("true"));
            Assert.That(keys.ContainsKey("OciRegistry:Storage:S3:Region"), Is.False, "no region given: the driver's default");
        });
    }

    [Test]
    public void Azure_broker_credentials_become_account_key_and_container()
    {
        const string vcap = """
            {"azure-storage":[{"name":"registry-blobs","credentials":{
              "storage_account_name":"cfregistry","primary_access_key":"a2V5","container_name":"images"}}]}
            """;

        Assert.That(VcapStorageBinding.Read(vcap), Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["OciRegistry:Storage:Driver"] = "azure",
            ["OciRegistry:Storage:Azure:AccountName"] = "cfregistry",
            ["OciRegistry:Storage:Azure:AccountKey"] = "a2V5",
            ["OciRegistry:Storage:Azure:Container"] = "images",
        }));
    }

    [TestCase("not json", "not valid JSON")]
    [TestCase("[]", "must be a JSON object of service labels, not an array")]
    [TestCase("""{"aws-s3":{"name":"x"}}""", "service label 'aws-s3' must be an array of bindings, not an object")]
    [TestCase("""{"aws-s3":["x"]}""", "binding aws-s3[0] must be a JSON object, not a string")]
    [TestCase("""{"aws-s3":[{"name":"bucket","credentials":"secret"}]}""", "the credentials of binding 'bucket' (aws-s3) must be a JSON object, not a string")]
    [TestCase("""{"user-provided":[{"name":"ups","credentials":{"driver":"gcs"}}]}""", "binding 'ups' (user-provided) names driver 'gcs'; known drivers: s3, azure, filesystem")]
    [TestCase("""{"user-provided":[{"name":"ups","credentials":{"driver":"s3","buckit":"b"}}]}""", "credential 'buckit', which is no setting of the s3 driver")]
    [TestCase("""{"user-provided":[{"name":"ups","credentials":{"driver":"s3","bucket":["b"]}}]}""", "credential 'bucket' of binding 'ups' (user-provided) must be a string, number or boolean, not an array")]
    [TestCase("""{"aws-s3":[{"name":"bucket","credentials":{"access_key_id":"a","bucket":"b"}}]}""", "binding 'bucket' (aws-s3) looks like S3 storage but has no 'secret_access_key'")]
    [TestCase("""{"aws-s3":[{"name":"bucket","credentials":{"access_key_id":"a","secret_access_key":"s","bucket":"b","endpoint":"http://"}}]}""", "endpoint 'http://', which is no URL")]
    [TestCase("""{"azure-storage":[{"name":"blobs","credentials":{"storage_account_name":"a","primary_access_key":"k"}}]}""", "binding 'blobs' (azure-storage) looks like Azure storage but has no 'container_name'")]
    public void Malformed_VCAP_SERVICES_fails_naming_the_problem(string vcapServices, string problem)
    {
        var failure = Assert.Throws<FormatException>(() => VcapStorageBinding.Read(vcapServices));

        Assert.That(failure.Message, Does.StartWith("VCAP_SERVICES is malformed: ").And.Contain(problem));
    }

    [Test]
    public void Two_storage_bindings_fail_naming_both()
    {
        const string vcap = """
            {"aws-s3":[{"name":"one","credentials":{"access_key_id":"a","secret_access_key":"s","bucket":"b"}}],
             "user-provided":[{"name":"two","credentials":{"driver":"filesystem"}}]}
            """;

        var failure = Assert.Throws<FormatException>(() => VcapStorageBinding.Read(vcap));

        Assert.That(failure.Message, Does.Contain("2 bindings name storage ('one' (aws-s3), 'two' (user-provided))"));
    }

    [Test]
    public void Explicit_configuration_wins_over_the_binding_key_by_key()
    {
        const string vcap = """
            {"aws-s3":[{"name":"bucket","credentials":{"access_key_id":"a","secret_access_key":"s","bucket":"from-binding","region":"us-west-2"}}]}
            """;
        var configuration = new ConfigurationBuilder()
            .Add(new VcapServicesConfigurationSource(vcap))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OciRegistry:Storage:S3:Bucket"] = "explicit" })
            .Build();

        Assert.Multiple(() =>
        {
            Assert.That(configuration["OciRegistry:Storage:Driver"], Is.EqualTo("s3"));
            Assert.That(configuration["OciRegistry:Storage:S3:Bucket"], Is.EqualTo("explicit"));
            Assert.That(configuration["OciRegistry:Storage:S3:Region"], Is.EqualTo("us-west-2"));
        });
    }

    [Test]
    public void An_explicit_driver_wins_over_the_binding()
    {
        const string vcap = """{"user-provided":[{"name":"ups","credentials":{"driver":"azure","container":"c"}}]}""";
        var configuration = new ConfigurationBuilder()
            .Add(new VcapServicesConfigurationSource(vcap))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OciRegistry:Storage:Driver"] = "filesystem" })
            .Build();

        Assert.That(configuration["OciRegistry:Storage:Driver"], Is.EqualTo("filesystem"));
    }
}
