using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>Settings that cannot work fail when the host starts, naming the key.</summary>
public sealed class OptionsValidationTests
{
    [TestCase("Interval", "00:00:00")]
    [TestCase("GracePeriod", "-00:00:01")]
    [TestCase("UploadPurgeAge", "00:00:00")]
    [TestCase("SettleDelay", "-00:00:01")]
    public void Invalid_setting_is_refused_naming_its_key(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddOciRegistry(configure: options =>
            typeof(GarbageCollectionOptions).GetProperty(key)!.SetValue(options.GarbageCollection, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<OciRegistryOptions>>().Value);

        Assert.That(failure!.Message, Does.Contain($"OciRegistry:GarbageCollection:{key}"));
    }

    [Test]
    public void Defaults_are_valid_and_collection_is_off()
    {
        var services = new ServiceCollection();
        services.AddOciRegistry();
        using var provider = services.BuildServiceProvider();

        var settings = provider.GetRequiredService<IOptions<OciRegistryOptions>>().Value.GarbageCollection;

        Assert.Multiple(() =>
        {
            Assert.That(settings.Enabled, Is.False);
            Assert.That(settings.UploadPurgeAge, Is.EqualTo(TimeSpan.FromDays(7)));
            Assert.That(settings.GracePeriod, Is.EqualTo(TimeSpan.FromHours(1)));
        });
    }
}
