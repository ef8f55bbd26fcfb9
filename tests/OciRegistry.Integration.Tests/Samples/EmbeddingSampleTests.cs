using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OciRegistry.Integration.Tests.Images;
using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.Samples;

/// <summary>
/// samples/OciRegistry.Embedding, an existing web app that also serves the registry, run as its own process: its
/// own API keeps working beside the registry, and skopeo pushes to and pulls from the registry part.
/// </summary>
internal sealed class EmbeddingSampleTests : RealClientTest
{
    [Test]
    public async Task App_serves_its_own_endpoints_and_a_registry_side_by_side()
    {
        await using var app = await StartSampleAsync(Work.Combine("storage", create: true));
        var layout = await TestImages.SingleArchAsync(Work.Combine("source"), "v1", Cancellation);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var pushedDigest = await Skopeo.CopyAsync(layout.Reference("v1"), app.ImageReference("builds/web:v1"), Cancellation);
        using var posted = await http.PostAsJsonAsync(
            new Uri("/api/builds", UriKind.Relative), new { id = "42", image = app.ImageName("builds/web:v1"), succeeded = true }, Cancellation);
        using var builds = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/builds", UriKind.Relative), Cancellation));
        var pulledDigest = await Skopeo.CopyAsync(app.ImageReference("builds/web:v1"), $"oci:{Work.Combine("pulled")}:v1", Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(posted.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), "POST /api/builds");
            Assert.That(builds.RootElement.GetArrayLength(), Is.EqualTo(1), "GET /api/builds");
            Assert.That(builds.RootElement[0].GetProperty("image").GetString(), Is.EqualTo(app.ImageName("builds/web:v1")));
            Assert.That(pulledDigest, Is.EqualTo(pushedDigest), "digest pulled back from the registry part");
        });
    }

    private static Task<RegistryProcess> StartSampleAsync(string rootDirectory)
    {
        var sampleDirectory = Path.Combine(OciRegistryHost.FindSolutionDirectory(), "samples", "OciRegistry.Embedding", "bin", OciRegistryHost.BuildConfiguration, "net10.0");
        return RegistryProcess.StartAsync("OciRegistry.Embedding", rootDirectory, port =>
        {
            // From its own folder, as deployed, so its appsettings.json applies.
            var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = sampleDirectory };
            foreach (var argument in new[]
                     {
                         Path.Combine(sampleDirectory, "OciRegistry.Embedding.dll"),
                         "--urls", $"http://127.0.0.1:{port}",
                         $"--OciRegistry:Storage:FileSystem:RootDirectory={rootDirectory}",
                     })
            {
                startInfo.ArgumentList.Add(argument);
            }

            return startInfo;
        }, Cancellation);
    }
}
