using System.Globalization;

namespace OciRegistry.Api.Tests;

/// <summary>
/// Requests racing on one upload — a client retrying a PUT whose first attempt still runs, two instances behind a
/// router — each get an answer a client can act on, never a 5xx, and the blob is served whole or not at all.
/// </summary>
public sealed class UploadRaceTests(RegistryTarget target) : RegistryApiTest(target)
{
    // Several rounds, since which request wins, and where the others are when it does, changes from round to round.
    private const int Rounds = 3;
    private const int ConcurrentPuts = 6;

    [TestCase(100_000)]
    [TestCase(6 * 1024 * 1024)] // past S3's 5 MiB part size: the completion is a multipart upload's
    public async Task Concurrent_puts_completing_one_upload_answer_201_or_404_and_the_blob_is_whole(int size)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var repository = NewRepository();
            var blob = TestBlob.Random(size);
            var half = size / 2;
            var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), blob, withContentRange: true, (0, half - 1), (half, size - 1));

            var responses = await Task.WhenAll(Enumerable.Range(0, ConcurrentPuts).Select(_ => Registry.PutUploadAsync(upload, blob.Digest)));
            try
            {
                var outcomes = await OutcomesAsync(responses);
                var described = $"round {round}: {string.Join("; ", outcomes)}";
                Assert.That(outcomes, Has.All.AnyOf("201", "404 BLOB_UPLOAD_UNKNOWN"), described);
                Assert.That(outcomes, Does.Contain("201"), described);
                foreach (var created in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
                {
                    await Registry.AssertBlobCreatedAsync(created, repository, blob);
                }
            }
            finally
            {
                Dispose(responses);
            }
        }
    }

    [Test]
    public async Task A_patch_racing_a_put_on_one_upload_is_taken_or_refused_and_the_blob_is_whole_or_absent()
    {
        for (var round = 0; round < Rounds * 2; round++)
        {
            var repository = NewRepository();
            var blob = TestBlob.Random(100_000);
            var upload = await Registry.SendChunksAsync(await Registry.StartUploadAsync(repository), blob, withContentRange: true, (0, 49_999));

            var patch = Registry.PatchAsync(upload, blob.Content[50_000..], "50000-99999");
            var put = Registry.PutUploadAsync(upload, blob.Digest);
            var responses = await Task.WhenAll(patch, put);
            try
            {
                var outcomes = await OutcomesAsync(responses);
                var described = $"round {round}: PATCH {outcomes[0]}, PUT {outcomes[1]}";
                Assert.Multiple(() =>
                {
                    // The chunk went in, or came too late (the upload is completed, or was seen at its first half only).
                    Assert.That(outcomes[0], Is.AnyOf("202", "404 BLOB_UPLOAD_UNKNOWN", "416 RANGE_INVALID"), described);

                    // The PUT saw both chunks, or only the first one (its digest is then wrong and the upload is deleted).
                    Assert.That(outcomes[1], Is.AnyOf("201", "400 DIGEST_INVALID", "404 BLOB_UPLOAD_UNKNOWN"), described);
                });
                if (put.Result.StatusCode == HttpStatusCode.Created)
                {
                    await Registry.AssertBlobCreatedAsync(put.Result, repository, blob);
                }
                else
                {
                    await Registry.AssertNoBlobAsync(repository, blob.Digest);
                }
            }
            finally
            {
                Dispose(responses);
            }
        }
    }

    /// <summary>Each response as "201", or as its status and error codes: "404 BLOB_UPLOAD_UNKNOWN".</summary>
    private static async Task<string[]> OutcomesAsync(IEnumerable<HttpResponseMessage> responses)
    {
        var outcomes = new List<string>();
        foreach (var response in responses)
        {
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            outcomes.Add(response.IsSuccessStatusCode
                ? status
                : status + " " + string.Join(",", (await ResponseAssert.ReadErrorsAsync(response)).Select(e => e.Code)));
        }

        return [.. outcomes];
    }

    private static void Dispose(IEnumerable<HttpResponseMessage> responses)
    {
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
