using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authentication.Token;

/// <summary>
/// The keys tokens must be signed with, read once from <c>OciRegistry:Auth:Token:SigningKeys</c>: a PEM bundle of
/// certificates (each certificate's own key signs; chains to a CA are not followed) or a JWKS document.
/// </summary>
internal sealed class TokenSigningKeys(IOptions<OciRegistryOptions> options)
{
    private readonly Lazy<IReadOnlyList<SecurityKey>> keys = new(() => Load(options.Value.Auth.Token.SigningKeys!));

    /// <summary>The keys; read at the first call.</summary>
    public IReadOnlyList<SecurityKey> Keys => keys.Value;

    /// <summary>Reads the keys of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">The file holds no usable key.</exception>
    public static IReadOnlyList<SecurityKey> Load(string path)
    {
        var text = File.ReadAllText(path);
        List<SecurityKey> found;
        if (text.TrimStart().StartsWith('{'))
        {
            found = [.. new JsonWebKeySet(text).GetSigningKeys()];
        }
        else
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(text);
            found = [.. certificates.Select(c => (SecurityKey)new X509SecurityKey(c))];
        }

        return found.Count > 0
            ? found
            : throw new InvalidOperationException($"OciRegistry:Auth:Token:SigningKeys: '{path}' holds no certificate (PEM) and no signing key (JWKS).");
    }
}
