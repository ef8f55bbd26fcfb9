using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace OciRegistry.Host.Hosting;

/// <summary>
/// Reloads <c>appsettings*.json</c> on change (what switches read-only mode without a restart) without the default
/// watcher: that one is a recursive <c>FileSystemWatcher</c> on the content root, which puts an inotify watch on every
/// folder below it, <c>./registry-data</c> included, and costs CPU on every push. The files are polled instead (every
/// few seconds, only the files themselves).
/// </summary>
internal static class ConfigurationFileWatch
{
    /// <summary>
    /// The host's arguments with the default reload switched off, so the recursive watcher is never created; pass the
    /// result to <c>WebApplication.CreateBuilder</c>, then call <see cref="PollJsonFiles"/>.
    /// </summary>
    public static string[] WithoutDefaultWatcher(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args];

    /// <summary>Makes every JSON file source reload on change, watched by polling the file.</summary>
    public static void PollJsonFiles(IConfigurationManager configuration, string contentRoot)
    {
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { ReloadOnChange: false } json)
            {
                json.ReloadOnChange = true;
                json.FileProvider = new PhysicalFileProvider(contentRoot) { UsePollingFileWatcher = true, UseActivePolling = true };

                // Setting the entry again makes the configuration rebuild the source's provider with these settings.
                sources[i] = json;
            }
        }
    }
}
