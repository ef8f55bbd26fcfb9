using Microsoft.Extensions.Options;
using OciRegistry.Authentication.Token;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authorization;

/// <summary>Fails the start on an auth setting that cannot work, naming the key.</summary>
internal sealed class RegistryAuthOptionsValidator : IValidateOptions<OciRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, OciRegistryOptions options)
    {
        var errors = new List<string>();
        var htpasswd = options.Auth.Htpasswd;
        if (!string.IsNullOrWhiteSpace(htpasswd.Path) && !File.Exists(htpasswd.Path))
        {
            errors.Add($"OciRegistry:Auth:Htpasswd:Path: the file '{htpasswd.Path}' does not exist.");
        }

        var token = options.Auth.Token;
        if (!string.IsNullOrWhiteSpace(token.Realm))
        {
            if (!Uri.TryCreate(token.Realm, UriKind.Absolute, out _))
            {
                errors.Add($"OciRegistry:Auth:Token:Realm: '{token.Realm}' is not an absolute URL.");
            }

            if (string.IsNullOrWhiteSpace(token.Service))
            {
                errors.Add("OciRegistry:Auth:Token:Service is required with a token realm (it is the audience tokens must carry).");
            }

            if (string.IsNullOrWhiteSpace(token.Issuer))
            {
                errors.Add("OciRegistry:Auth:Token:Issuer is required with a token realm.");
            }

            if (string.IsNullOrWhiteSpace(token.SigningKeys))
            {
                errors.Add("OciRegistry:Auth:Token:SigningKeys is required with a token realm (a PEM certificate bundle or a JWKS file).");
            }
            else
            {
                try
                {
                    TokenSigningKeys.Load(token.SigningKeys);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or System.Security.Cryptography.CryptographicException)
                {
                    errors.Add($"OciRegistry:Auth:Token:SigningKeys: cannot read keys from '{token.SigningKeys}': {e.Message}");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
