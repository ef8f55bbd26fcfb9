using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OciRegistry.DependencyInjection;

namespace OciRegistry.Api.Tests.Auth;

/// <summary>What the registry says at start about its auth settings: a warning when open, a refusal when a setting cannot work.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class AuthStartupTests
{
    [Test]
    public async Task An_open_registry_logs_a_warning_at_start()
    {
        var log = new WarningLog();
        await using (await AuthenticatedRegistry.StartAsync(_ => { }, services => services.AddSingleton<ILoggerProvider>(log)))
        {
        }

        Assert.That(log.Warnings, Has.Some.Contains("No authentication is configured").And.Contains("anyone who can reach this registry can push, pull and delete"));
    }

    [Test]
    public async Task A_registry_with_htpasswd_does_not_warn()
    {
        var log = new WarningLog();
        var file = Path.GetTempFileName();
        try
        {
            await HtpasswdAuthTests.WriteUsersAsync(file, ("alice", "secret"));
            await using (await AuthenticatedRegistry.StartAsync(o => o.Auth.Htpasswd.Path = file, services => services.AddSingleton<ILoggerProvider>(log)))
            {
            }
        }
        finally
        {
            File.Delete(file);
        }

        Assert.That(log.Warnings, Has.None.Contains("No authentication is configured"));
    }

    [TestCaseSource(nameof(BadSettings))]
    public void A_setting_that_cannot_work_stops_the_start_naming_the_key(Action<OciRegistryOptions> configure, string key)
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(async () => await (await AuthenticatedRegistry.StartAsync(configure)).DisposeAsync());

        Assert.That(error!.Message, Does.Contain(key));
    }

    private static IEnumerable<TestCaseData> BadSettings()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        yield return new TestCaseData((Action<OciRegistryOptions>)(o => o.Auth.Htpasswd.Path = missing), "OciRegistry:Auth:Htpasswd:Path").SetName("Missing htpasswd file");
        yield return new TestCaseData((Action<OciRegistryOptions>)(o => o.Auth.Token.Realm = "https://auth.example/token"), "OciRegistry:Auth:Token:Service").SetName("Token realm without service");
        yield return new TestCaseData((Action<OciRegistryOptions>)(o =>
        {
            o.Auth.Token.Realm = "https://auth.example/token";
            o.Auth.Token.Service = "registry";
            o.Auth.Token.Issuer = "issuer";
            o.Auth.Token.SigningKeys = missing;
        }), "OciRegistry:Auth:Token:SigningKeys").SetName("Token signing keys missing");
        yield return new TestCaseData((Action<OciRegistryOptions>)(o => o.Auth.Token.Realm = "not a url"), "OciRegistry:Auth:Token:Realm").SetName("Token realm not a URL");
        yield return new TestCaseData((Action<OciRegistryOptions>)(o => o.Limits.MaxBlobBytes = -1), "OciRegistry:Limits:MaxBlobBytes").SetName("Negative blob limit");
    }

    private sealed class WarningLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Warnings.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
