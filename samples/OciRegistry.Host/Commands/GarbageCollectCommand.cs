using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using OciRegistry.GarbageCollection;
using OciRegistry.Host.CloudFoundry;
using OciRegistry.Host.GoRegistryConfiguration;
using OciRegistry.Host.Hosting;

namespace OciRegistry.Host.Commands;

/// <summary>
/// <c>garbage-collect [--dry-run] [--delete-untagged] [CONFIG.yml]</c>: one collection over the storage the host is
/// configured for (same appsettings.json, environment and <c>--key=value</c> settings as when serving, and the Go
/// registry configuration file when one is given), printing each deletion and a summary, then exiting. Safe while
/// registry instances serve the same storage.
/// </summary>
internal static class GarbageCollectCommand
{
    public const string Name = "garbage-collect";

    /// <summary>Exit code when another collector holds the lease and nothing was done.</summary>
    public const int SkippedExitCode = 3;

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static Task<int> RunAsync(string[] args)
    {
        var dryRun = new Option<bool>("--dry-run", "-d") { Description = "Print what would be deleted; delete nothing." };
        var deleteUntagged = new Option<bool>("--delete-untagged", "-m")
        {
            Description = "Also delete manifests no tag reaches (children of tagged indexes and referrers of kept manifests stay).",
        };
        var command = new Command(Name, "Delete blobs, links and manifests nothing references, and abandoned uploads.") { dryRun, deleteUntagged };

        // Anything else is configuration, as when serving: a Go registry config.yml, --OciRegistry:Storage:FileSystem:RootDirectory=/data
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string? configFile;
            string[] configurationArgs;
            try
            {
                (configFile, configurationArgs) = ConfigurationFileArgument.Split([.. parsed.UnmatchedTokens]);
            }
            catch (FormatException invalid)
            {
                await Console.Error.WriteLineAsync($"{Name}: {invalid.Message}");
                return 2;
            }

            return await CollectAsync(parsed.GetValue(dryRun), parsed.GetValue(deleteUntagged), configFile, configurationArgs, cancellationToken);
        });
        return new RootCommand("OciRegistry host: serves the registry, or runs one of its commands.") { command }.Parse(args).InvokeAsync();
    }

    private static async Task<int> CollectAsync(bool dryRun, bool deleteUntagged, string? configFile, string[] configurationArgs, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(configurationArgs);
        if (!builder.TryAddCloudFoundry() || !builder.TryAddGoRegistryConfiguration(configFile, out var goRegistryConfiguration))
        {
            return 1;
        }

        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("OciRegistry.GarbageCollection", LogLevel.Warning);
        if (!builder.Services.AddOciRegistry(builder.Configuration.GetSection("OciRegistry"))
                .TryAddStorageDriverFromConfiguration(builder.Configuration.GetSection("OciRegistry:Storage")))
        {
            return 1;
        }

        await using var app = builder.Build();
        if (!app.TryValidateConfiguration())
        {
            return 1;
        }

        app.LogGoRegistryConfiguration(goRegistryConfiguration);

        var verb = dryRun ? "would delete" : "deleted";
        GarbageCollectionResult result;
        try
        {
            result = await app.Services.GetRequiredService<IGarbageCollector>().CollectAsync(new GarbageCollectionRequest
            {
                DryRun = dryRun,
                DeleteUntagged = deleteUntagged ? true : null,
                Progress = new ConsoleProgress(deletion => Console.WriteLine($"{verb} {deletion}")),
            }, cancellationToken);
        }
        catch (Exception invalid) when (StartupConfigurationCheck.IsConfigurationError(invalid))
        {
            await Console.Error.WriteLineAsync($"garbage-collect: {invalid.Message}");
            return 1;
        }

        if (result.Skipped)
        {
            await Console.Error.WriteLineAsync($"garbage-collect: not run, {result.SkipReason}");
            return SkippedExitCode;
        }

        foreach (var restored in result.Restored)
        {
            Console.WriteLine($"put back {restored} (referenced by a push during the collection)");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(dryRun ? "would delete" : "deleted")}: {result.BlobsDeleted} blobs, {result.ManifestsDeleted} manifests, " +
            $"{result.LayerLinksDeleted} layer links, {result.UploadsPurged} uploads; {result.BytesFreed} bytes freed; " +
            $"{result.Marked} blobs kept in {result.Repositories} repositories; {result.Duration.TotalSeconds:0.000} s"));
        return 0;
    }

    /// <summary>Writes at once, on the collector's thread (<see cref="Progress{T}"/> would post out of order).</summary>
    private sealed class ConsoleProgress(Action<GarbageCollectionDeletion> write) : IProgress<GarbageCollectionDeletion>
    {
        public void Report(GarbageCollectionDeletion value) => write(value);
    }
}
