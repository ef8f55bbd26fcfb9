using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace OciRegistry.Storage.S3.Internal;

/// <summary>
/// The one <see cref="HttpClient"/> an <see cref="S3BlobStore"/> talks through: its request timeout, a short
/// connect timeout, the <c>Content-MD5</c> fix for multi-object deletes, and the <c>AWS_CA_BUNDLE</c> trust
/// store for HTTPS endpoints, which the SDK applies only to the clients it makes itself.
/// </summary>
internal sealed class S3HttpClientFactory : HttpClientFactory, IDisposable
{
    private const string CaBundleVariable = "AWS_CA_BUNDLE";

    private readonly Lazy<HttpClient> _client;

    public S3HttpClientFactory(TimeSpan timeout) =>
        _client = new Lazy<HttpClient>(() => Create(timeout), LazyThreadSafetyMode.ExecutionAndPublication);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client.Value;

    // This factory keeps its single client itself and disposes it with the driver.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "ociregistry-s3";

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private static HttpClient Create(TimeSpan timeout)
    {
        var sockets = new SocketsHttpHandler
        {
            // An unreachable service fails fast; a slow one is bounded by the client's timeout.
            ConnectTimeout = timeout < TimeSpan.FromSeconds(10) ? timeout : TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxConnectionsPerServer = 64,
        };
        if (LoadCaBundle() is { } bundle)
        {
            sockets.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, presented, errors) => IsTrusted(bundle, certificate, presented, errors),
            };
        }

        return new HttpClient(new ContentMd5Handler(sockets), disposeHandler: true) { Timeout = timeout };
    }

    // AWS_CA_BUNDLE names the certificates to trust instead of the system's, as for the other AWS SDKs and the CLI.
    private static X509Certificate2Collection? LoadCaBundle()
    {
        var path = Environment.GetEnvironmentVariable(CaBundleVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(path);
            return bundle.Count > 0 ? bundle : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"{CaBundleVariable} names '{path}', which is no readable PEM certificate bundle.", e);
        }
    }

    private static bool IsTrusted(X509Certificate2Collection bundle, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(bundle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
