using System.Diagnostics.CodeAnalysis;
using System.Net;
using OciRegistry.Integration.Tests.Api;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// One client of the kill loop: pushes monolithic and chunked blobs and manifests, and continues uploads an earlier
/// kill cut off, until its host is killed. Every request and answer goes into the <see cref="PushLedger"/>; an answer
/// the registry should not give is recorded as an anomaly and ends this pusher.
/// </summary>
internal sealed class KillLoopPusher(RegistryPushClient client, PushLedger ledger, Random random, string name)
{
    public static readonly string[] Repositories = ["crash/one", "crash/two"];

    /// <summary>The tag every pusher overwrites now and then, besides the tags of their own.</summary>
    public const string SharedTag = "latest";

    private const int KiB = 1024;
    private int pushes;

    // Set while a resumed upload whose status said "0-0" (0 or 1 byte) is tried from 0: a 416 then means 1.
    private bool probingFirstByte;
    private string? probeAnswer;

    /// <summary>Pushes until a request is cut off (its host killed) or <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var repository = Repositories[random.Next(Repositories.Length)];
                switch (random.Next(10))
                {
                    case < 3:
                        await PushMonolithicAsync(new BlobAttempt(repository, SyntheticImage.RandomBlob(random, random.Next(1, 200 * KiB))), stop);
                        break;
                    case < 6:
                        await PushChunkedAsync(new BlobAttempt(repository, SyntheticImage.RandomBlob(random, random.Next(256 * KiB, 4096 * KiB))), stop);
                        break;
                    case < 7 when ledger.TakeInterrupted() is { } attempt:
                        await ResumeAsync(attempt, stop);
                        break;
                    default:
                        await PushManifestAsync(repository, stop);
                        break;
                }
            }
        }
        catch (CutOffException)
        {
            // The host is gone: this pusher's cycle is over.
        }
        catch (UnexpectedAnswerException)
        {
            // Recorded in the ledger; the test fails with it once the loop is over.
        }
    }

    /// <summary>
    /// Picks up an upload cut off earlier: its status tells where to continue (at least what a 202 acknowledged, at
    /// most what was sent), then it is finished; or the registry says it does not know it (404 BLOB_UPLOAD_UNKNOWN).
    /// </summary>
    public async Task ResumeAsync(BlobAttempt attempt, CancellationToken stop)
    {
        HttpResponseMessage status;
        try
        {
            status = await SendAsync(cancellationToken => client.GetStatusAsync(attempt.Upload!, cancellationToken), stop);
        }
        catch (CutOffException)
        {
            ledger.Interrupt(attempt);
            throw;
        }

        using (status)
        {
            if (status.StatusCode == HttpStatusCode.NotFound && await RegistryApiClient.ErrorCodeAsync(status, stop) == "BLOB_UPLOAD_UNKNOWN")
            {
                attempt.Forgotten = true;
                ledger.CountResumption(forgotten: true);
                return;
            }

            await ExpectAsync(status, HttpStatusCode.NoContent, attempt);
            ledger.CountResumption(forgotten: false);
            var end = RegistryPushClient.RangeEnd(status);
            // A PUT cut off once the registry had moved the bytes to the blob's address (the upload's link and
            // removal not yet done) leaves an upload that holds nothing: the client sends everything again.
            var startsOver = end == 0 && attempt.CompletionSent && attempt.Acknowledged > 1;
            if (startsOver)
            {
                ledger.CountStartOver();
            }

            // "0-0" says 0 or 1 byte; anything else says end + 1.
            var length = end == 0 && (attempt.Acknowledged == 0 || startsOver) ? 0 : end + 1;
            if (length is null || (length < attempt.Acknowledged && !startsOver) || length > attempt.Sent)
            {
                Fail($"status of an interrupted upload says Range {end}, but a 202 acknowledged {attempt.Acknowledged} bytes and {attempt.Sent} were sent: {attempt}");
            }

            attempt.Upload = client.Location(status);
            attempt.Acknowledged = length.Value;
        }

        probingFirstByte = attempt.Acknowledged == 0 && attempt.Sent > 0;
        probeAnswer = null;
        try
        {
            await ContinueAsync(attempt, stop);
        }
        catch (UnexpectedAnswerException exception) when (probingFirstByte && exception.Status == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            probingFirstByte = false;
            attempt.Acknowledged = 1;
            await ContinueAsync(attempt, stop);
        }
        finally
        {
            probingFirstByte = false;
        }
    }

    private async Task PushMonolithicAsync(BlobAttempt attempt, CancellationToken stop)
    {
        ledger.Add(attempt);
        attempt.Sent = attempt.Content.Length;
        attempt.CompletionSent = true;
        using var pushed = await SendAsync(cancellationToken => client.PushMonolithicAsync(attempt.Repository, attempt.Content, cancellationToken), stop);
        await ExpectAsync(pushed, HttpStatusCode.Created, attempt);
        attempt.Committed = true;
    }

    private async Task PushChunkedAsync(BlobAttempt attempt, CancellationToken stop)
    {
        ledger.Add(attempt);
        using (var started = await SendAsync(cancellationToken => client.StartUploadAsync(attempt.Repository, cancellationToken), stop))
        {
            await ExpectAsync(started, HttpStatusCode.Accepted, attempt);
            attempt.Upload = client.Location(started);
        }

        await ContinueAsync(attempt, stop);
    }

    /// <summary>Sends the rest of the blob from what was acknowledged, in chunks, and completes it; the last chunk goes with the PUT half the time.</summary>
    private async Task ContinueAsync(BlobAttempt attempt, CancellationToken stop)
    {
        try
        {
            var content = attempt.Content;
            // A PUT carries no Content-Range: while probing, the first chunk must be a PATCH.
            var lastInPut = !probingFirstByte && random.Next(2) == 0;
            while (true)
            {
                var offset = (int)attempt.Acknowledged;
                var size = Math.Min(random.Next(64 * KiB, 1024 * KiB), content.Length - offset);
                if (size == 0 || (lastInPut && offset + size == content.Length))
                {
                    break;
                }

                attempt.Sent = Math.Max(attempt.Sent, offset + size);
                using var patched = await SendAsync(
                    cancellationToken => client.PatchAsync(attempt.Upload!, content.AsMemory(offset, size), offset, cancellationToken), stop);
                await ExpectAsync(patched, HttpStatusCode.Accepted, attempt);
                if (RegistryPushClient.RangeEnd(patched) != offset + size - 1)
                {
                    Fail($"{await RegistryPushClient.DescribeAsync(patched)} with Range {RegistryPushClient.RangeEnd(patched)} after {offset + size} bytes: {attempt}");
                }

                attempt.Acknowledged = offset + size;
                attempt.Upload = client.Location(patched);
                probingFirstByte = false;
            }

            attempt.Sent = content.Length;
            attempt.CompletionSent = true;
            using var completed = await SendAsync(
                cancellationToken => client.CompleteAsync(attempt.Upload!, attempt.Digest, content.AsMemory((int)attempt.Acknowledged), cancellationToken), stop);
            await ExpectAsync(completed, HttpStatusCode.Created, attempt);
            attempt.Committed = true;
        }
        catch (CutOffException)
        {
            ledger.Interrupt(attempt);
            throw;
        }
    }

    /// <summary>A manifest over a fresh config and up to three committed layers, under a tag of its own or the shared one.</summary>
    private async Task PushManifestAsync(string repository, CancellationToken stop)
    {
        var layers = ledger.CommittedBlobs(repository).OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(blob => blob.Content).ToList();
        if (layers.Count == 0)
        {
            await PushMonolithicAsync(new BlobAttempt(repository, SyntheticImage.RandomBlob(random, random.Next(1, 200 * KiB))), stop);
            return;
        }

        var image = new SyntheticImage($"{name} push {++pushes}", layers);
        await PushMonolithicAsync(new BlobAttempt(repository, image.Config), stop);
        var tag = random.Next(3) == 0 ? SharedTag : $"{name}-{pushes}";
        var attempt = ledger.AddManifest(repository, tag, image);
        using var stored = await SendAsync(cancellationToken => client.PutManifestAsync(repository, tag, image.Manifest, cancellationToken), stop);
        attempt.EndedAt = ledger.Tick();
        await ExpectAsync(stored, HttpStatusCode.Created, attempt);
        attempt.Committed = true;
    }

    /// <summary>Sends a request; no answer, or the proxy's 502 (its backend is gone), means the host was killed.</summary>
    private static async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken stop)
    {
        HttpResponseMessage response;
        try
        {
            response = await send(stop);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            throw new CutOffException("no answer", exception);
        }

        if (response.StatusCode == HttpStatusCode.BadGateway)
        {
            response.Dispose();
            throw new CutOffException("the proxy's backend is gone");
        }

        return response;
    }

    private async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, object attempt)
    {
        if (response.StatusCode == expected)
        {
            ledger.Answered();
        }
        else
        {
            var description = $"{name}: expected {(int)expected}, {await RegistryPushClient.DescribeAsync(response)} ({attempt})";
            if (probingFirstByte && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                probeAnswer = description;
            }
            else
            {
                ledger.Anomaly(probeAnswer is null ? description : $"{description}; tried from byte 0 before: {probeAnswer}");
            }

            throw new UnexpectedAnswerException(response.StatusCode, description);
        }
    }

    [DoesNotReturn]
    private void Fail(string description)
    {
        ledger.Anomaly($"{name}: {description}");
        throw new UnexpectedAnswerException(null, description);
    }
}
