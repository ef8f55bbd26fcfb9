using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OciRegistry.Api.Tests.Hosting;
using OciRegistry.GarbageCollection;
using OciRegistry.Telemetry;

namespace OciRegistry.Api.Tests;

/// <summary>The instruments an operator sees through OpenTelemetry on meter "OciRegistry".</summary>
public sealed class TelemetryTests(RegistryTarget target) : RegistryApiTest(target)
{
    private readonly ConcurrentDictionary<string, long> totals = new();
    private readonly ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements = [];
    private MeterListener? listener;

    [SetUp]
    public void ListenToThisHostsMeter()
    {
        var factory = HostServices.GetRequiredService<IMeterFactory>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Other fixtures' hosts run in parallel: count only this host's meter.
                if (instrument.Meter.Name == OciRegistryTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measured(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measured(instrument, value, tags));
        listener.Start();
    }

    [TearDown]
    public void StopListening()
    {
        listener?.Dispose();
        totals.Clear();
        measurements.Clear();
    }

    [Test]
    public async Task Pushes_pulls_bytes_and_errors_are_counted_on_the_OciRegistry_meter()
    {
        var repository = NewRepository("telemetry");
        await Registry.PushImageAsync(repository, "v1");
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

    [Test]
    public async Task Requests_are_counted_by_endpoint_method_and_status_and_pushes_are_timed()
    {
        var repository = NewRepository("telemetry");
        (await Registry.GetAsync("/v2/")).Dispose();
        await Registry.PushImageAsync(repository, "v1");
        (await Registry.GetManifestAsync(repository, "v1")).Dispose();
        (await Registry.GetAsync($"/v2/{repository}/manifests/missing")).Dispose();
        (await Registry.GetAsync(RegistryClient.TagsPath(repository))).Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(Requests("version", "GET", 200), Is.EqualTo(1));
            Assert.That(Requests("upload_start", "POST", 201), Is.GreaterThanOrEqualTo(2), "monolithic uploads of config and layer");
            Assert.That(Requests("manifest", "PUT", 201), Is.EqualTo(1));
            Assert.That(Requests("manifest", "GET", 200), Is.EqualTo(1));
            Assert.That(Requests("manifest", "GET", 404), Is.EqualTo(1));
            Assert.That(Requests("tags", "GET", 200), Is.EqualTo(1));
            Assert.That(Durations("ociregistry.manifest.put.duration"), Has.Count.EqualTo(1).And.All.GreaterThan(0));
            Assert.That(Durations("ociregistry.upload.duration"), Has.Count.GreaterThanOrEqualTo(2).And.All.GreaterThan(0));
        });
    }

    [Test]
    public async Task Garbage_collection_runs_are_counted_and_timed()
    {
        await HostServices.GetRequiredService<IGarbageCollector>().CollectAsync(new GarbageCollectionRequest { DryRun = true });

        var runs = measurements.Where(m => m.Instrument == "ociregistry.gc.runs").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(runs, Has.Count.EqualTo(1));
            Assert.That(runs.Single().Tags["outcome"], Is.EqualTo("completed"));
            Assert.That(runs.Single().Tags["dry_run"], Is.EqualTo(true));
            Assert.That(Durations("ociregistry.gc.duration"), Has.Count.EqualTo(1));
        });
    }

    private void Measured<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var number = value.ToDouble(System.Globalization.CultureInfo.InvariantCulture);
        totals.AddOrUpdate(instrument.Name, (long)number, (_, total) => total + (long)number);
        measurements.Add((instrument.Name, number, tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
    }

    private int Requests(string endpoint, string method, int status) =>
        measurements.Count(m => m.Instrument == "ociregistry.requests" && Equals(m.Tags["endpoint"], endpoint) &&
                                Equals(m.Tags["method"], method) && Equals(m.Tags["status"], status));

    private List<double> Durations(string instrument) =>
        [.. measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];
}
