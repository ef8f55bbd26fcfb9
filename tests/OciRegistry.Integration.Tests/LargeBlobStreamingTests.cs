using OciRegistry.Integration.Tests.Api;
using OciRegistry.Integration.Tests.Content;

namespace OciRegistry.Integration.Tests;

/// <summary>
/// Blobs stream through the host: pushed the way docker pushes (POST, one streamed chunked PATCH, PUT ?digest=)
/// and pulled back, while the host process's peak resident memory stays far below the blob size.
/// </summary>
internal sealed class LargeBlobStreamingTests : RealClientTest
{
    private const long MiB = 1024 * 1024;

    // Generous: a host that buffers a 1 GiB blob anywhere goes far past it; a streaming one stays near its idle size.
    private const long PeakResidentLimit = 400 * MiB;

    private const string Repository = "large/blobs";

    [Test]
    public async Task Blobs_of_64_MiB_and_1_GiB_stream_through_the_host_without_growing_its_memory()
    {
        var host = await StartHostAsync();
        using var api = new RegistryApiClient(host.BaseAddress, TimeSpan.FromMinutes(3));

        var peaks = new List<(long Size, long Peak)>();
        foreach (var size in new[] { 64 * MiB, 1024 * MiB })
        {
            await using var generated = new GeneratedContentStream(size, seed: (ulong)size);
            var digest = await api.PushBlobAsync(Repository, generated, Cancellation);
            var pulled = await api.PullBlobAsync(Repository, digest, Cancellation);
            Assert.That(pulled, Is.EqualTo((size, digest)), "bytes and sha256 pulled back");
            var peak = host.ReadPeakResidentBytes();
            peaks.Add((size, peak));
            TestContext.Progress.WriteLine($"  {host.Name} peak RSS (VmHWM) after a {size / MiB} MiB blob: {peak / MiB} MiB");
        }

        Assert.Multiple(() =>
        {
            foreach (var (size, peak) in peaks)
            {
                Assert.That(peak, Is.LessThan(PeakResidentLimit), $"peak RSS of {host.Name} in MiB after a {size / MiB} MiB blob: {peak / MiB}");
            }
        });
    }
}
