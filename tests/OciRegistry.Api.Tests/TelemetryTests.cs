using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OciRegistry.Api.Tests.Hosting;
using OciRegistry.Telemetry;

namespace OciRegistry.Api.Tests;

/// <summary>The counters an operator sees through OpenTelemetry on meter "OciRegistry".</summary>
public sealed class TelemetryTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Pushes_pulls_bytes_and_errors_are_counted_on_the_OciRegistry_meter()
    {
        var factory = HostServices.GetRequiredService<IMeterFactory>();
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Other fixtures' hosts run in parallel: count only this host's meter.
            if (instrument.Meter.Name == OciRegistryTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.Start();

        var repository = NewRepository("telemetry");
        var manifest = await Registry.PushImageAsync(repository, "v1");
        (await Registry.GetManifestAsync(repository, "v1")).Dispose();
        (await Registry.GetAsync($"/v2/{repository}/manifests/missing")).Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(totals.GetValueOrDefault("ociregistry.manifest.pushes"), Is.EqualTo(1));
            Assert.That(totals.GetValueOrDefault("ociregistry.manifest.pulls"), Is.EqualTo(1));
            Assert.That(totals.GetValueOrDefault("ociregistry.blob.commits"), Is.GreaterThanOrEqualTo(2), "config and layer");
            Assert.That(totals.GetValueOrDefault("ociregistry.blob.bytes_received"), Is.GreaterThan(0));
            Assert.That(totals.GetValueOrDefault("ociregistry.errors"), Is.EqualTo(1));
        });
    }
}
