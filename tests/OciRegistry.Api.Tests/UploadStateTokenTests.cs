using Microsoft.AspNetCore.WebUtilities;

namespace OciRegistry.Api.Tests;

/// <summary>Upload URLs carry an HMAC-signed <c>_state</c> token; a forged one is refused, a missing one tolerated.</summary>
public sealed class UploadStateTokenTests(RegistryTarget target) : RegistryApiTest(target)
{
    [Test]
    public async Task Upload_locations_carry_a_state_token()
    {
        var upload = await Registry.StartUploadAsync(NewRepository("token"));
        Assert.That(QueryHelpers.ParseQuery(upload.Query)["_state"].ToString(), Has.Length.GreaterThan(20));
    }

    [Test]
    public async Task A_forged_state_token_is_BLOB_UPLOAD_UNKNOWN_and_the_upload_is_untouched()
    {
        var upload = await Registry.StartUploadAsync(NewRepository("token"));
        var forged = new Uri(upload.GetLeftPart(UriPartial.Path) + "?_state=AAAAforgedAAAAtokenAAAAAAAAAAAAAAAAAAAAAAAA");
        using (var response = await Registry.PatchAsync(forged, [1, 2, 3], "0-2"))
        {
            await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }

        using var status = await Registry.SendAsync(HttpMethod.Get, upload);
        await ResponseAssert.StatusAsync(status, HttpStatusCode.NoContent);
        Assert.That(status.Headers.GetValues("Range").Single(), Is.EqualTo("0-0"), "nothing was appended");
    }

    [Test]
    public async Task A_token_of_another_upload_is_refused()
    {
        var repository = NewRepository("token");
        var first = await Registry.StartUploadAsync(repository);
        var second = await Registry.StartUploadAsync(repository);
        var swapped = new Uri(first.GetLeftPart(UriPartial.Path) + second.Query);
        using var response = await Registry.SendAsync(HttpMethod.Get, swapped);
        await ResponseAssert.ErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Test]
    public async Task An_upload_URL_without_its_token_still_works()
    {
        var repository = NewRepository("token");
        var blob = TestBlob.Random(1000);
        var upload = await Registry.StartUploadAsync(repository);
        var bare = new Uri(upload.GetLeftPart(UriPartial.Path));
        using (var patch = await Registry.PatchAsync(bare, blob.Content, $"0-{blob.Size - 1}"))
        {
            await ResponseAssert.StatusAsync(patch, HttpStatusCode.Accepted);
        }

        using var put = await Registry.PutUploadAsync(bare, blob.Digest);
        await Registry.AssertBlobCreatedAsync(put, repository, blob);
    }
}
