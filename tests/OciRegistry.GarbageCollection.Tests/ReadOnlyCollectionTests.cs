using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OciRegistry.Content;
using OciRegistry.GarbageCollection.Tests.Support;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection.Tests;

/// <summary>
/// <c>OciRegistry:ReadOnly</c> (storage being migrated or backed up): nothing is deleted. Background rounds are skipped,
/// said once, and resume when the setting is switched off; an explicit collection runs only as a dry run.
/// </summary>
public sealed class ReadOnlyCollectionTests
{
    // Event ids of GarbageCollectionService and GarbageCollector.
    private const int CollectionStarted = 100;
    private const int Paused = 121;
    private const int RoundSkipped = 122;
    private const int Resumed = 123;

    // Only stops a test whose registry never gets there; no assertion depends on time.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Background_rounds_are_skipped_while_read_only_and_resume_when_switched_off()
    {
        var configuration = Configuration(readOnly: true);
        var log = new CollectionLog();
        await using var registry = await CollectedRegistry.StartAsync(options =>
        {
            options.Enabled = true;
            options.Interval = TimeSpan.FromMilliseconds(50);
        }, configuration, log.AddTo);
        var stray = await WriteStrayBlobAsync(registry);

        await WaitUntilAsync(() => log.Count(RoundSkipped) >= 3, "three rounds skipped");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(registry.HasBlobData(stray), Is.True, "nothing is deleted while read-only");
            Assert.That(log.Count(CollectionStarted), Is.Zero, "no collection started");
            Assert.That(log.Levels(Paused), Is.EqualTo(new[] { LogLevel.Information }), "the pause is said once, at Information");
        }

        SwitchReadOnly(configuration, false);
        await WaitUntilAsync(() => !registry.HasBlobData(stray), "the stray blob collected once writes are allowed again");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(log.Levels(Resumed), Is.EqualTo(new[] { LogLevel.Information }), "the resumption is said once");
            Assert.That(log.Count(Paused), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task An_explicit_collection_while_read_only_deletes_nothing_and_a_dry_run_still_reports()
    {
        var configuration = Configuration(readOnly: true);
        await using var registry = await CollectedRegistry.StartAsync(configuration: configuration);
        var stray = await WriteStrayBlobAsync(registry);

        var refused = await registry.CollectAsync();
        var dryRun = await registry.CollectAsync(dryRun: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.Skipped, Is.True);
            Assert.That(refused.SkipReason, Does.Contain("read-only"));
            Assert.That(dryRun.Skipped, Is.False, "a dry run writes nothing, so it runs");
            Assert.That(dryRun.BlobsDeleted, Is.EqualTo(1), "the dry run reports the stray blob");
            Assert.That(registry.HasBlobData(stray), Is.True, "nothing is deleted");
        }

        SwitchReadOnly(configuration, false);
        var collected = await registry.CollectAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(collected.BlobsDeleted, Is.EqualTo(1));
            Assert.That(registry.HasBlobData(stray), Is.False);
        }
    }

    private static IConfigurationRoot Configuration(bool readOnly) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OciRegistry:ReadOnly"] = readOnly ? "true" : "false" }).Build();

    /// <summary>Changes the setting and reloads the configuration, as an edited appsettings.json does.</summary>
    private static void SwitchReadOnly(IConfigurationRoot configuration, bool readOnly)
    {
        configuration["OciRegistry:ReadOnly"] = readOnly ? "true" : "false";
        configuration.Reload();
    }

    /// <summary>Blob data no repository links, written straight to storage (the registry refuses pushes while read-only).</summary>
    private static async Task<string> WriteStrayBlobAsync(CollectedRegistry registry)
    {
        var blob = TestBlob.Random();
        await registry.Store.WriteAsync(RegistryLayout.BlobData(Digest.Parse(blob.Digest)), new MemoryStream(blob.Content));
        return blob.Digest;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"never happened: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>What the collector and its background service log, from Debug up.</summary>
    private sealed class CollectionLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<(int Id, LogLevel Level)> entries = new();

        public void AddTo(IServiceCollection services)
        {
            services.AddSingleton<ILoggerProvider>(this);
            services.Configure<LoggerFilterOptions>(filters => filters.MinLevel = LogLevel.Debug);
        }

        public int Count(int eventId) => entries.Count(entry => entry.Id == eventId);

        public LogLevel[] Levels(int eventId) => [.. entries.Where(entry => entry.Id == eventId).Select(entry => entry.Level)];

        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("OciRegistry.GarbageCollection", StringComparison.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((eventId.Id, logLevel));

        public void Dispose()
        {
        }
    }
}
