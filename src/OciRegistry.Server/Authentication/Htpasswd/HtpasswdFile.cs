using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Authentication.Htpasswd;

/// <summary>
/// The users of the htpasswd file (<c>user:$2y$...</c>, bcrypt only, as distribution reads it), re-read when the
/// file's size or modification time changes. A bcrypt check costs tens of milliseconds and a client sends its
/// password on every request, so a password that verified is remembered, as an HMAC under a key of this process,
/// until the file changes; wrong passwords always pay the full bcrypt cost.
/// </summary>
internal sealed partial class HtpasswdFile(IOptions<OciRegistryOptions> options, ILogger<HtpasswdFile> logger)
{
    private const int MaxRemembered = 10_000;
    private readonly byte[] rememberKey = RandomNumberGenerator.GetBytes(32);
    private readonly Lock reloadLock = new();
    private readonly Lazy<string> unknownUserHash = new(() => BCrypt.Net.BCrypt.HashPassword(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
    private Users? users;

    /// <summary>Whether <paramref name="user"/> is in the file and <paramref name="password"/> is theirs.</summary>
    public bool Verify(string user, string password)
    {
        var current = Current();
        var fingerprint = HMACSHA256.HashData(rememberKey, Encoding.UTF8.GetBytes(user + "\0" + password));
        if (current.Verified.TryGetValue(user, out var known) && CryptographicOperations.FixedTimeEquals(known, fingerprint))
        {
            return true;
        }

        if (!current.Hashes.TryGetValue(user, out var hash))
        {
            // The same work as for a known user, so timing does not tell which user names exist.
            BCrypt.Net.BCrypt.Verify(password, unknownUserHash.Value);
            return false;
        }

        bool valid;
        try
        {
            valid = BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            valid = false;
        }

        if (valid && current.Verified.Count < MaxRemembered)
        {
            current.Verified[user] = fingerprint;
        }

        return valid;
    }

    private Users Current()
    {
        var path = options.Value.Auth.Htpasswd.Path!;
        var file = new FileInfo(path);
        var version = file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, DateTime.MinValue);
        var current = users;
        if (current is not null && current.Version == version)
        {
            return current;
        }

        lock (reloadLock)
        {
            if (users is { } loaded && loaded.Version == version)
            {
                return loaded;
            }

            users = new Users(version, Read(path));
            LogLoaded(logger, path, users.Hashes.Count);
            return users;
        }
    }

    private Dictionary<string, string> Read(string path)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException e)
        {
            LogUnreadable(logger, e, path);
            return hashes;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var hash = colon > 0 ? line[(colon + 1)..] : string.Empty;
            if (hash.StartsWith("$2a$", StringComparison.Ordinal) || hash.StartsWith("$2b$", StringComparison.Ordinal) ||
                hash.StartsWith("$2y$", StringComparison.Ordinal) || hash.StartsWith("$2x$", StringComparison.Ordinal))
            {
                hashes[line[..colon]] = hash;
            }
            else
            {
                LogNotBcrypt(logger, path, i + 1);
            }
        }

        return hashes;
    }

    private sealed record Users((long Length, DateTime Modified) Version, Dictionary<string, string> Hashes)
    {
        public ConcurrentDictionary<string, byte[]> Verified { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Read {Count} users from the htpasswd file {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Cannot read the htpasswd file {Path}: nobody can sign in until it can be read")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Line {Line} of the htpasswd file {Path} is not user:bcrypt-hash (create entries with htpasswd -B); ignored")]
    private static partial void LogNotBcrypt(ILogger logger, string path, int line);
}
