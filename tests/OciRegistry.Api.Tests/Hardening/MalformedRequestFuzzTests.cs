using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OciRegistry.Api.Tests.Auth;

namespace OciRegistry.Api.Tests.Hardening;

/// <summary>
/// At least 10,000 random malformed requests and manifests (names, paths, headers, bodies, JSON), written on raw
/// sockets so nothing is normalised on the way: never a 5xx, never an error logged, and afterwards the storage holds
/// only what the layout allows, every blob under its true digest and every link to a blob that exists. The seed is
/// printed; set OCIREGISTRY_FUZZ_SEED to replay a run (OCIREGISTRY_FUZZ_COUNT to change its length).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed partial class MalformedRequestFuzzTests
{
    private const int Workers = 4;
    private static readonly string Marker = "fuzz" + Guid.NewGuid().ToString("N")[..8];
    private static readonly string[] Methods = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS", "PUT", "PATCH", "POST"];
    private static readonly string[] MediaTypes =
    [
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json", "application/json", "text/plain", "application/octet-stream", "", "\u00ff/\u00fe", "a/b; charset=x",
    ];

    private AuthenticatedRegistry registry = null!;
    private readonly ErrorLog errors = new();
    private readonly ConcurrentBag<string> uploads = [];
    private readonly List<string> knownDigests = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        registry = await AuthenticatedRegistry.StartAsync(
            o => o.Limits.MaxBlobBytes = 1 << 20,
            services => services.AddSingleton<ILoggerProvider>(errors));
        var manifest = await registry.Client.PushImageAsync("fuzz/base", "v1");
        knownDigests.Add(manifest.Digest);
        knownDigests.Add((await registry.Client.PushBlobAsync("fuzz/base")).Digest);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await registry.DisposeAsync();

    [Test]
    public async Task Ten_thousand_malformed_requests_get_no_5xx_no_logged_error_and_leave_only_valid_storage()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OCIREGISTRY_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : RandomNumberGenerator.GetInt32(int.MaxValue);
        var count = int.TryParse(Environment.GetEnvironmentVariable("OCIREGISTRY_FUZZ_COUNT"), out var fixedCount) ? fixedCount : 10_000;
        TestContext.Progress.WriteLine($"fuzz seed {seed} ({count} requests); replay with OCIREGISTRY_FUZZ_SEED={seed}");

        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = new ConcurrentQueue<string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                // One generator per request, seeded from the run's seed and the request's number: replayable whatever the interleaving.
                var request = Generate(new Random(HashCode.Combine(seed, i)));
                var response = await RawHttp.SendAsync(registry.Address, request.Method, request.Target, request.Body, request.ContentLength, request.Headers,
                    closeAfterBody: request.ContentLength is { } announced && announced > (request.Body?.Length ?? 0));
                statuses.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
                if (response.Status >= 500 || (response.Status == 0 && !request.Lies))
                {
                    serverErrors.Enqueue($"#{i} {request.Method} {request.Target} [{string.Join("; ", request.Headers.Select(h => h.Name + ": " + h.Value))}] body {request.Body?.Length} -> {response.Status} {response.Body}");
                }

                if (response.Status == 202 && response.Header("Location") is { } location)
                {
                    uploads.Add(new Uri(location).PathAndQuery);
                }
            }
        })));

        TestContext.Progress.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Values.Sum(), Is.EqualTo(count));
            Assert.That(serverErrors, Is.Empty, $"server errors (seed {seed})");
            Assert.That(errors.Entries, Is.Empty, $"errors logged by the registry (seed {seed})");
        });
        AssertStorageValid();
    }

    private sealed record FuzzRequest(string Method, string Target, byte[]? Body, long? ContentLength, List<(string Name, string Value)> Headers, bool Lies);

    private FuzzRequest Generate(Random random)
    {
        var headers = new List<(string, string)>();
        string target;
        if (!uploads.IsEmpty && random.Next(5) == 0)
        {
            // An upload that exists: the interesting failures are in its chunks and completion.
            target = uploads.ElementAt(random.Next(uploads.Count));
            if (random.Next(3) == 0)
            {
                target = Mutate(random, target);
            }
        }
        else
        {
            target = "/v2/" + Name(random) + "/" + Endpoint(random);
        }

        target += Query(random);
        if (random.Next(2) == 0)
        {
            headers.Add(("Content-Type", Pick(random, MediaTypes)));
        }

        if (random.Next(3) == 0)
        {
            headers.Add(("Content-Range", ContentRange(random)));
        }

        if (random.Next(4) == 0)
        {
            headers.Add(("Accept", string.Join(", ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, MediaTypes)))));
        }

        if (random.Next(8) == 0)
        {
            headers.Add(("Range", $"bytes={random.Next(-5, 100)}-{random.Next(-5, 100)}"));
        }

        if (random.Next(10) == 0)
        {
            headers.Add(("Authorization", Pick(random, ["Basic !!", "Bearer x.y.z", "Basic " + Convert.ToBase64String(RandomBytes(random, 20)), "Negotiate"])));
        }

        var method = random.Next(20) == 0 ? RandomToken(random) : Pick(random, Methods);
        byte[]? body = random.Next(3) switch
        {
            0 => null,
            1 => ManifestBody(random),
            _ => RandomBytes(random, random.Next(0, 4096)),
        };

        long? contentLength = null;
        var lies = false;
        if (body is not null && random.Next(10) == 0)
        {
            // Content-Length that lies: shorter (the rest is garbage for the next request) or longer (the body ends early).
            contentLength = Math.Max(0, body.Length + random.Next(-body.Length, 64));
            lies = contentLength != body.Length;
        }

        return new FuzzRequest(method, target, body, contentLength, headers, lies);
    }

    private string Name(Random random) => random.Next(12) switch
    {
        0 => "fuzz/base",
        1 => $"fuzz/{random.Next(20)}",
        2 => string.Join('/', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(random, ["a", "..", ".", "%2e%2e", "%2f", "%00", "\\", "~oci-tmp", "_uploads", Marker, "A", "a-", "a__b", "x.y"]))),
        3 => new string('n', random.Next(200, 3000)),
        4 => Escape(RandomBytes(random, random.Next(1, 40))),
        5 => $"fuzz/{Marker}/../../../{Marker}",
        6 => "_catalog",
        7 => $"fuzz/{RandomToken(random).ToLowerInvariant()}",
        _ => $"fuzz/r{random.Next(5)}",
    };

    private string Endpoint(Random random) => random.Next(9) switch
    {
        0 => "manifests/" + Reference(random),
        1 => "blobs/" + Reference(random),
        2 => "blobs/uploads/",
        3 => "blobs/uploads/" + Pick(random, [Guid.NewGuid().ToString(), "..", Marker, Reference(random)]),
        4 => "tags/list",
        5 => "referrers/" + Reference(random),
        6 => Escape(RandomBytes(random, random.Next(0, 20))),
        7 => "manifests/" + Reference(random),
        _ => "blobs/uploads",
    };

    private string Reference(Random random) => random.Next(10) switch
    {
        0 => Pick(random, knownDigests),
        1 => "sha256:" + Convert.ToHexStringLower(RandomBytes(random, 32)),
        2 => "sha512:" + Convert.ToHexStringLower(RandomBytes(random, 64)),
        3 => Pick(random, ["md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:", "sha256:xyz", "SHA256:" + new string('a', 64), ":", "sha256+b64u:abc", "..", "%2e%2e", "%00"]),
        4 => new string('t', random.Next(100, 400)),
        5 => Escape(RandomBytes(random, random.Next(1, 30))),
        _ => Pick(random, ["latest", "v1", "v2", "-bad", ".bad", "a" + random.Next(100)]),
    };

    private string Query(Random random) => random.Next(8) switch
    {
        0 => "?digest=" + Reference(random),
        1 => $"?mount={Reference(random)}&from={Name(random)}",
        2 => $"?n={Pick(random, ["-1", "0", "5", "999999999999", "x", ""])}&last={Reference(random)}",
        3 => "?_state=" + Escape(RandomBytes(random, random.Next(0, 60))),
        4 => "?" + Escape(RandomBytes(random, random.Next(0, 40))),
        5 => $"?mount={Reference(random)}",
        _ => string.Empty,
    };

    private static string ContentRange(Random random) => random.Next(5) switch
    {
        0 => $"{random.Next(0, 10)}-{random.Next(-10, 5000)}",
        1 => $"bytes {random.Next(0, 100)}-{random.Next(0, 100)}/*",
        2 => $"{long.MaxValue}-{long.MaxValue}",
        3 => "0-" + random.Next(0, 4096),
        _ => RandomToken(random),
    };

    /// <summary>A manifest-shaped JSON document, then broken in one of many ways.</summary>
    private byte[] ManifestBody(Random random)
    {
        JsonNode Descriptor() => new JsonObject
        {
            ["mediaType"] = Pick(random, MediaTypes),
            ["digest"] = Reference(random),
            ["size"] = random.Next(5) == 0 ? JsonValue.Create(-1L) : random.Next(3) == 0 ? JsonValue.Create(long.MaxValue) : JsonValue.Create(random.Next(0, 100_000)),
        };

        var manifest = new JsonObject
        {
            ["schemaVersion"] = random.Next(4) == 0 ? JsonValue.Create("2") : JsonValue.Create(random.Next(0, 4)),
            ["mediaType"] = Pick(random, MediaTypes),
            ["config"] = Descriptor(),
            ["layers"] = new JsonArray([.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => Descriptor())]),
        };
        if (random.Next(3) == 0)
        {
            manifest["manifests"] = new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Descriptor())]);
        }

        if (random.Next(3) == 0)
        {
            manifest["subject"] = Descriptor();
        }

        var keys = manifest.Select(p => p.Key).ToList();
        switch (random.Next(8))
        {
            case 0:
                manifest.Remove(Pick(random, keys));
                break;
            case 1:
                manifest[Pick(random, keys)] = Pick<JsonNode?>(random, [null, JsonValue.Create(true), JsonValue.Create(1e308), new JsonArray(), JsonValue.Create("x")]);
                break;
            case 2:
                var depth = random.Next(30, 3000);
                return Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"annotations\":{new string('[', depth)}{new string(']', depth)}}}");
            case 3:
                var text = manifest.ToJsonString();
                return Encoding.UTF8.GetBytes(text[..random.Next(text.Length)]);
            case 4:
                manifest["annotations"] = new JsonObject { [Escape(RandomBytes(random, 8))] = Encoding.UTF8.GetString(RandomBytes(random, 50)) };
                break;
        }

        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    private static string Mutate(Random random, string target) => random.Next(4) switch
    {
        0 => target.Replace("/blobs/uploads/", "/blobs/uploads/../", StringComparison.Ordinal),
        1 => target[..random.Next(target.Length)],
        2 => target + "%00",
        _ => target.Replace("_state=", "_state=x", StringComparison.Ordinal),
    };

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomToken(Random random) =>
        new([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('A', 'Z' + 1))]);

    /// <summary>Percent-encodes every byte that is not a plain ASCII letter or digit, so any byte can reach the server.</summary>
    private static string Escape(byte[] bytes) =>
        string.Concat(bytes.Select(b => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' ? ((char)b).ToString() : $"%{b:X2}"));

    private void AssertStorageValid()
    {
        var root = registry.Root;
        var v2 = Path.Combine(root, "docker", "registry", "v2");
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            var match = AllowedPath().Match(relative);
            if (!match.Success)
            {
                problems.Add("unexpected file " + relative);
                continue;
            }

            if (match.Groups["name"].Success && !RepositoryNamePattern().IsMatch(match.Groups["name"].Value))
            {
                problems.Add("repository with an invalid name " + relative);
            }

            if (match.Groups["blobhex"].Success)
            {
                var algorithm = match.Groups["blobalg"].Value;
                using var content = File.OpenRead(file);
                var actual = Convert.ToHexStringLower(algorithm == "sha512" ? SHA512.HashData(content) : SHA256.HashData(content));
                if (actual != match.Groups["blobhex"].Value)
                {
                    problems.Add($"blob {relative} holds content of digest {algorithm}:{actual}");
                }
            }

            if (relative.EndsWith("/link", StringComparison.Ordinal) && !relative.Contains("/_uploads/", StringComparison.Ordinal))
            {
                var digest = File.ReadAllText(file).Split(':');
                if (digest.Length != 2 || !File.Exists(Path.Combine(v2, "blobs", digest[0], digest[1][..2], digest[1], "data")))
                {
                    problems.Add($"link {relative} to a missing blob");
                }
            }
        }

        var escaped = Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(Path.GetFullPath(root))!, "*" + Marker + "*",
            new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 6, IgnoreInaccessible = true })
            .Where(p => !p.StartsWith(Path.GetFullPath(root), StringComparison.Ordinal));
        problems.AddRange(escaped.Select(p => "written outside the storage root: " + p));
        Assert.That(problems, Is.Empty, "storage after the fuzz run");
    }

    [GeneratedRegex(@"^(?:docker/registry/v2/(?:blobs/(?<blobalg>sha256|sha512)/[0-9a-f]{2}/(?<blobhex>[0-9a-f]+)/data|repositories/(?<name>.+?)/(?:_layers|_manifests|_uploads|_referrers)/.+|_ociregistry/.+)|~oci-tmp/.+)$")]
    private static partial Regex AllowedPath();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryNamePattern();

    /// <summary>Collects what the registry logs at Error or above: an unhandled exception shows up here.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Entries.Enqueue($"{logLevel} {eventId}: {formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}
