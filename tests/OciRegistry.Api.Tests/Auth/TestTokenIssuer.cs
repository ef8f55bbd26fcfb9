using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>
/// A token service as the Docker token authentication specification describes it, small enough to live in a test:
/// <c>GET /token?service=&amp;scope=</c> with Basic credentials (or none, anonymously) answers
/// <c>{"token":"&lt;JWT&gt;"}</c> granting the requested actions its <see cref="Policy"/> allows, signed with an RSA key
/// whose self-signed certificate is written as a PEM bundle (<see cref="CertificatePath"/>) and as JWKS (<see cref="JwksPath"/>).
/// </summary>
public sealed class TestTokenIssuer : IAsyncDisposable
{
    public const string Issuer = "test-token-issuer";
    public const string Service = "test-registry";

    private readonly WebApplication app;
    private readonly RSA key;
    private readonly DirectoryInfo folder;
    private readonly Dictionary<string, string> passwords = new(StringComparer.Ordinal);

    private TestTokenIssuer(WebApplication app, RSA key, DirectoryInfo folder)
    {
        this.app = app;
        this.key = key;
        this.folder = folder;
    }

    /// <summary>The realm clients are sent to: <c>http://127.0.0.1:PORT/token</c>.</summary>
    public Uri Realm { get; private set; } = null!;

    public string CertificatePath => Path.Combine(folder.FullName, "token-signing.pem");

    public string JwksPath => Path.Combine(folder.FullName, "token-signing.jwks");

    /// <summary>Whether user (null = anonymous) may do action on type:name. Everything is refused unless set.</summary>
    public Func<string?, string, string, string, bool> Policy { get; set; } = (_, _, _, _) => false;

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("oci-token-issuer-");
        var key = RSA.Create(2048);
        using (var certificate = new CertificateRequest("CN=test token issuer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                   .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)))
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "token-signing.pem"), certificate.ExportCertificatePem());
        }

        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = "test-key" });
        jwk.Use = "sig";
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "token-signing.jwks"),
            JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = jwk.Use, n = jwk.N, e = jwk.E } } }));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestTokenIssuer(app, key, folder);
        app.MapGet("/token", issuer.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        issuer.Realm = new Uri(address.TrimEnd('/') + "/token");
        return issuer;
    }

    public void AddUser(string user, string password) => passwords[user] = password;

    /// <summary>A token signed by this issuer (or by <paramref name="signingKey"/>) with the given claims.</summary>
    public string Issue(string? subject, IEnumerable<(string Type, string Name, string[] Actions)> access,
        TimeSpan? lifetime = null, string audience = Service, string issuer = Issuer, RSA? signingKey = null, DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = notBefore ?? (expires < now ? expires.AddMinutes(-5) : now),
            Expires = expires,
            Subject = subject is null ? new ClaimsIdentity() : new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            Claims = new Dictionary<string, object>
            {
                ["access"] = access.Select(a => new Dictionary<string, object> { ["type"] = a.Type, ["name"] = a.Name, ["actions"] = a.Actions }).ToList(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signingKey ?? key) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private async Task AnswerAsync(HttpContext context)
    {
        string? user = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !passwords.TryGetValue(credentials[..colon], out var password) || password != credentials[(colon + 1)..])
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            user = credentials[..colon];
        }

        var access = new List<(string, string, string[])>();
        foreach (var scope in context.Request.Query["scope"].SelectMany(s => (s ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = scope.Split(':');
            if (parts.Length != 3)
            {
                continue;
            }

            var granted = parts[2].Split(',').Where(action => Policy(user, parts[0], parts[1], action)).ToArray();
            if (granted.Length > 0)
            {
                access.Add((parts[0], parts[1], granted));
            }
        }

        var token = Issue(user, access);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300, issued_at = DateTime.UtcNow.ToString("O") }));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        key.Dispose();
        folder.Delete(recursive: true);
    }
}
