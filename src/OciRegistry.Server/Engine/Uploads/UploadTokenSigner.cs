using System.Buffers;
using System.Collections.Concurrent;
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
/// random keys kept in storage, so N instances on one storage agree with no configuration.
/// </summary>
/// <remarks>
/// Storage offers no create-if-absent write on every driver (S3 on OpenStack Swift ignores <c>If-None-Match</c>), so
/// no single stored secret can be agreed on: instances racing to create one would each keep the secret they wrote.
/// Instead every key is an object of its own under <see cref="RegistryLayout.HttpSecrets"/>, named by a random id, and
/// a token says which key signed it (<c>&lt;key id&gt;.&lt;mac&gt;</c>). A verifier reads the named key from storage
/// when it does not know it yet, so a token verifies on every instance whichever key signed it; no listing is
/// trusted for that. A signer uses the key with the smallest id it finds, writing one first when there is none:
/// instances that start on an empty storage at once may each write one, and all of them stay valid.
/// </remarks>
internal sealed class UploadTokenSigner(IBlobStore store, IOptions<OciRegistryOptions> options) : IDisposable
{
    private const int SecretLength = 32;
    private const int KeyIdLength = 32;
    private const char KeyIdSeparator = '.';
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private readonly SemaphoreSlim _choosing = new(1, 1);
    private readonly ConcurrentDictionary<string, byte[]> _storedKeys = new(StringComparer.Ordinal);
    private string? _signingKeyId;

    public async Task<string> CreateAsync(RepositoryName name, string uploadId, CancellationToken cancellationToken)
    {
        if (ConfiguredKey() is { } configured)
        {
            return Encode(Sign(configured, name, uploadId));
        }

        var keyId = await GetSigningKeyIdAsync(cancellationToken).ConfigureAwait(false);
        return keyId + KeyIdSeparator + Encode(Sign(_storedKeys[keyId], name, uploadId));
    }

    public async Task<bool> VerifyAsync(RepositoryName name, string uploadId, string token, CancellationToken cancellationToken)
    {
        byte[]? key;
        var mac = token;
        if (ConfiguredKey() is { } configured)
        {
            key = configured;
        }
        else
        {
            var separator = token.IndexOf(KeyIdSeparator, StringComparison.Ordinal);
            if (separator != KeyIdLength || !IsKeyId(token.AsSpan(0, separator)))
            {
                return false;
            }

            key = await FindStoredKeyAsync(token[..separator], cancellationToken).ConfigureAwait(false);
            mac = token[(separator + 1)..];
        }

        return key is not null && TryDecode(mac, out var presented) && CryptographicOperations.FixedTimeEquals(Sign(key, name, uploadId), presented);
    }

    public void Dispose() => _choosing.Dispose();

    private static byte[] Sign(byte[] key, RepositoryName name, string uploadId) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(name.Value + "\n" + uploadId));

    private byte[]? ConfiguredKey() =>
        options.Value.Http.Secret is { Length: > 0 } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : null;

    private async Task<string> GetSigningKeyIdAsync(CancellationToken cancellationToken)
    {
        if (_signingKeyId is { } chosen)
        {
            return chosen;
        }

        await _choosing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_signingKeyId is { } chosenMeanwhile)
            {
                return chosenMeanwhile;
            }

            var keyId = await SmallestStoredKeyAsync(cancellationToken).ConfigureAwait(false);
            if (keyId is null)
            {
                var created = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
                using var content = new MemoryStream(RandomNumberGenerator.GetBytes(SecretLength));
                await store.WriteAsync(RegistryLayout.HttpSecret(created), content, cancellationToken).ConfigureAwait(false);

                // Another instance may have written one at the same moment: take the smallest of those now listed
                // (this one's when the listing lags), so instances mostly sign with one key. Either verifies everywhere.
                keyId = await SmallestStoredKeyAsync(cancellationToken).ConfigureAwait(false) ?? created;
            }

            if (await FindStoredKeyAsync(keyId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new StoreUnavailableException($"The upload signing key {keyId} written to storage cannot be read back.");
            }

            _signingKeyId = keyId;
            return keyId;
        }
        finally
        {
            _choosing.Release();
        }
    }

    private async Task<string?> SmallestStoredKeyAsync(CancellationToken cancellationToken)
    {
        string? smallest = null;
        await foreach (var entry in store.ListAsync(RegistryLayout.HttpSecrets, cancellationToken).ConfigureAwait(false))
        {
            if (!entry.IsDirectory && IsKeyId(entry.Name) && (smallest is null || string.CompareOrdinal(entry.Name, smallest) < 0) &&
                await FindStoredKeyAsync(entry.Name, cancellationToken).ConfigureAwait(false) is not null)
            {
                smallest = entry.Name;
            }
        }

        return smallest;
    }

    /// <summary>The stored key named <paramref name="keyId"/>, read once and kept; null when storage has no such key.</summary>
    private async Task<byte[]?> FindStoredKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        if (_storedKeys.TryGetValue(keyId, out var known))
        {
            return known;
        }

        try
        {
            await using var stream = await store.OpenReadAsync(RegistryLayout.HttpSecret(keyId), 0, 1024, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);

            // A key shorter than that is not one this registry wrote (keys are written whole or not at all).
            return buffer.Length >= SecretLength ? _storedKeys.GetOrAdd(keyId, buffer.ToArray()) : null;
        }
        catch (StorePathNotFoundException)
        {
            return null;
        }
    }

    private static bool IsKeyId(ReadOnlySpan<char> text) =>
        text.Length == KeyIdLength && !text.ContainsAnyExcept(LowerHex);

    private static string Encode(byte[] mac) => Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');

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
