using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OciRegistry.Content;
using OciRegistry.DependencyInjection;
using OciRegistry.Storage;

namespace OciRegistry.Engine.Uploads;

/// <summary>
/// Signs the <c>_state</c> token of upload URLs with HMAC-SHA256, so an upload URL is only honoured when this
/// registry (any of its instances) issued it. The key is <c>OciRegistry:Http:Secret</c> when configured; otherwise
/// a random secret kept in storage, created by the first instance that needs it, so N instances on one storage
/// agree with no configuration.
/// </summary>
/// <remarks>
/// Two instances starting at once may both create the stored secret; the last write wins. An instance that
/// finds a token it cannot verify therefore reloads the stored secret once before refusing, which heals that race.
/// </remarks>
internal sealed class UploadTokenSigner(IBlobStore store, IOptions<OciRegistryOptions> options) : IDisposable
{
    private const int SecretLength = 32;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _storedSecret;

    public async Task<string> CreateAsync(RepositoryName name, string uploadId, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(reload: false, cancellationToken).ConfigureAwait(false);
        return Convert.ToBase64String(Sign(key, name, uploadId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public async Task<bool> VerifyAsync(RepositoryName name, string uploadId, string token, CancellationToken cancellationToken)
    {
        if (!TryDecode(token, out var presented))
        {
            return false;
        }

        var key = await GetKeyAsync(reload: false, cancellationToken).ConfigureAwait(false);
        if (CryptographicOperations.FixedTimeEquals(Sign(key, name, uploadId), presented))
        {
            return true;
        }

        if (ConfiguredKey() is not null)
        {
            return false;
        }

        key = await GetKeyAsync(reload: true, cancellationToken).ConfigureAwait(false);
        return CryptographicOperations.FixedTimeEquals(Sign(key, name, uploadId), presented);
    }

    public void Dispose() => _loading.Dispose();

    private static byte[] Sign(byte[] key, RepositoryName name, string uploadId) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(name.Value + "\n" + uploadId));

    private byte[]? ConfiguredKey() =>
        options.Value.Http.Secret is { Length: > 0 } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : null;

    private async Task<byte[]> GetKeyAsync(bool reload, CancellationToken cancellationToken)
    {
        if (ConfiguredKey() is { } configured)
        {
            return configured;
        }

        if (!reload && _storedSecret is { } cached)
        {
            return cached;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!reload && _storedSecret is { } loaded)
            {
                return loaded;
            }

            var secret = await ReadStoredSecretAsync(cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                using var content = new MemoryStream(RandomNumberGenerator.GetBytes(SecretLength));
                await store.WriteAsync(RegistryLayout.HttpSecret, content, cancellationToken).ConfigureAwait(false);

                // Read back: when another instance wrote at the same moment, converge on whatever won.
                secret = await ReadStoredSecretAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new StoreUnavailableException("The upload signing secret written to storage cannot be read back.");
            }

            _storedSecret = secret;
            return secret;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<byte[]?> ReadStoredSecretAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(RegistryLayout.HttpSecret, 0, 1024, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.Length >= SecretLength ? buffer.ToArray() : null;
        }
        catch (StorePathNotFoundException)
        {
            return null;
        }
    }

    private static bool TryDecode(string token, out byte[] bytes)
    {
        bytes = [];
        if (token.Length is 0 or > 128)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(base64);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
