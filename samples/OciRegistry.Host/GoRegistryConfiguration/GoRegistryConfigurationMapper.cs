using System.Globalization;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>
/// Maps a Go registry configuration (CNCF distribution 2.x/3.x <c>config.yml</c>, after <c>REGISTRY_*</c>
/// overrides) onto this host's configuration keys. Every key is either mapped, or reported: a note when it is
/// accepted with a different meaning, a warning when it is ignored, an error when ignoring it would be unsafe.
/// </summary>
internal static class GoRegistryConfigurationMapper
{
    /// <summary>The registry's read-only switch, <c>storage.maintenance.readonly.enabled</c>.</summary>
    public const string ReadOnlyKey = "OciRegistry:ReadOnly";

    /// <summary>The host key of <c>http.host</c>: the external URL <c>Location</c> headers are built on.</summary>
    public const string ExternalUrlKey = "OciRegistry:Http:Host";

    /// <summary>The host key of <c>http.prefix</c>: the path the registry is served under.</summary>
    public const string PathPrefixKey = "OciRegistry:Http:Prefix";

    /// <summary>The host section of <c>http.headers</c>: <c>OciRegistry:Http:Headers:Name:0</c> = value.</summary>
    public const string HeadersSection = "OciRegistry:Http:Headers";

    public static GoRegistryConfigurationMapping Map(GoConfigMapping root)
    {
        var findings = new List<GoRegistryConfigurationFinding>();
        var settings = new SortedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var top = new GoConfigSection(root, string.Empty, findings);

        var version = top.String("version");
        if (version is null)
        {
            top.Error("version", "is missing; a Go registry configuration starts with 'version: 0.1'.");
        }
        else if (version.Trim() != "0.1")
        {
            top.Error("version", $"is '{version}'; the only configuration version is 0.1.");
        }

        GoRegistryStorageMapping.Map(top, settings);
        MapHttp(top.Section("http"), settings);
        GoRegistryAuthMapping.Map(top, settings);
        MapLog(top, settings);
        MapHealth(top.Section("health"));
        MapPolicies(top);

        top.Report("notifications", GoRegistryFindingSeverity.Warning, "webhook notifications are not sent by this registry; ignored.");
        top.Report("middleware", GoRegistryFindingSeverity.Warning, "registry, repository and storage middleware (cloudfront, redirect, ...) are not supported; ignored.");
        top.Report("reporting", GoRegistryFindingSeverity.Warning, "error reporting to bugsnag/newrelic is not supported (use OpenTelemetry); ignored.");
        top.Report("redis", GoRegistryFindingSeverity.Warning, "this registry keeps no cache in redis; ignored.");
        top.Report("catalog", GoRegistryFindingSeverity.Warning, "the catalog's page size follows the client's ?n= (no upper limit is configured); ignored.");
        top.Report("compatibility", GoRegistryFindingSeverity.Warning, "schema 1 manifests are not supported; ignored.");
        top.Report("proxy", GoRegistryFindingSeverity.Error,
            "a pull-through cache of another registry is not supported: this registry would accept pushes where the Go registry serves a read-only mirror.");
        top.ReportUnread();
        return new(settings, findings);
    }

    private static void MapHttp(GoConfigSection? http, SortedDictionary<string, string?> settings)
    {
        if (http is null)
        {
            return;
        }

        var scheme = http.Section("tls") is { } tls && MapTls(tls, settings) ? "https" : "http";
        var network = http.String("net");
        var address = http.String("addr");
        if (network is not (null or "" or "tcp" or "unix"))
        {
            http.Error("net", $"is '{network}'; this registry listens on tcp or unix sockets only.");
        }
        else if (address is not null)
        {
            SetIfPresent(settings, "urls", network == "unix" ? $"{scheme}://unix:{address}" : ListenUrl(scheme, address, http));
        }

        if (http.String("host") is { } host)
        {
            if (Uri.TryCreate(host, UriKind.Absolute, out var external) && external.Scheme is "http" or "https")
            {
                settings[ExternalUrlKey] = external.GetLeftPart(UriPartial.Authority);
                if (external.AbsolutePath.Trim('/').Length > 0)
                {
                    http.Findings.Add(new(GoRegistryFindingSeverity.Warning, http.KeyPath("host"), http.OriginOf("host"),
                        $"its path '{external.AbsolutePath}' is not used (set http.prefix to serve under a path)."));
                }
            }
            else
            {
                http.Error("host", $"must be an absolute http or https URL, not '{host}'.");
            }
        }

        if (http.String("prefix") is { } prefix && prefix.Trim('/').Length > 0)
        {
            settings[PathPrefixKey] = "/" + prefix.Trim('/');
        }

        SetIfPresent(settings, "OciRegistry:Http:Secret", http.String("secret"));
        SetIfPresent(settings, "OciRegistry:Http:RelativeUrls", Format(http.Bool("relativeurls")));
        if (http.Duration("draintimeout") is { } drain)
        {
            settings["shutdownTimeoutSeconds"] = Math.Ceiling(drain.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (http.Section("http2") is { } http2)
        {
            if (http2.Bool("disabled") == true)
            {
                settings["Kestrel:EndpointDefaults:Protocols"] = "Http1";
            }

            http2.ReportUnread();
        }

        if (http.Section("headers") is { } headers)
        {
            foreach (var name in headers.Keys.ToList())
            {
                var values = headers.Node(name) switch
                {
                    GoConfigSequence sequence => sequence.Items.OfType<GoConfigScalar>().Select(item => item.Value).ToList(),
                    GoConfigScalar scalar => [scalar.Value],
                    _ => [],
                };
                for (var index = 0; index < values.Count; index++)
                {
                    settings[$"{HeadersSection}:{name}:{index.ToString(CultureInfo.InvariantCulture)}"] = values[index];
                }
            }
        }

        if (http.Section("debug") is { } debug)
        {
            MapDebug(debug, settings);
        }

        http.ReportUnread();
    }

    /// <summary>The debug server is not started; its Prometheus endpoint becomes the host's own, on the registry's port.</summary>
    private static void MapDebug(GoConfigSection debug, SortedDictionary<string, string?> settings)
    {
        debug.Report("addr", GoRegistryFindingSeverity.Warning,
            "no separate debug server is started (health is on /health/live and /health/ready of the registry's own port); ignored.");
        if (debug.Section("prometheus") is { } prometheus)
        {
            if (prometheus.Bool("enabled") == true)
            {
                settings["Telemetry:Exporters"] = "prometheus";
                SetIfPresent(settings, "Telemetry:Prometheus:Path", prometheus.String("path"));
                prometheus.Findings.Add(new(GoRegistryFindingSeverity.Note, prometheus.Path, prometheus.Origin,
                    "the metrics (meter OciRegistry, OpenTelemetry names) are served on the registry's own port, not on http.debug.addr."));
            }

            prometheus.Node("path");
            prometheus.ReportUnread();
        }

        debug.ReportUnread();
    }

    /// <summary>
    /// Maps <c>http.tls</c> onto Kestrel's default certificate (PEM certificate and key files); returns whether the
    /// registry serves HTTPS. What cannot be honoured is an error: serving without it would be less safe than asked.
    /// </summary>
    private static bool MapTls(GoConfigSection tls, SortedDictionary<string, string?> settings)
    {
        var certificate = tls.String("certificate");
        var key = tls.String("key");
        var https = false;
        if (certificate is not null && key is not null)
        {
            settings["Kestrel:Certificates:Default:Path"] = certificate;
            settings["Kestrel:Certificates:Default:KeyPath"] = key;
            https = true;
            tls.Report("letsencrypt", GoRegistryFindingSeverity.Note, "not used: the certificate is given (as in the Go registry).");
        }
        else if (certificate is not null || key is not null)
        {
            tls.Error(certificate is null ? "certificate" : "key", "is missing: TLS needs both the certificate and its key (PEM files).");
        }
        else
        {
            tls.Report("letsencrypt", GoRegistryFindingSeverity.Error,
                "certificates are not obtained from Let's Encrypt by this registry: give tls.certificate and tls.key, or terminate TLS in a proxy.");
        }

        if (tls.Node("clientcas") is GoConfigSequence { Items.Count: > 0 })
        {
            tls.Error("clientcas", "client certificate authentication is not supported: clients without a certificate would be let in.");
        }

        switch (tls.String("minimumtls"))
        {
            case null:
                break;
            case "tls1.2":
                settings["Kestrel:EndpointDefaults:SslProtocols:0"] = "Tls12";
                settings["Kestrel:EndpointDefaults:SslProtocols:1"] = "Tls13";
                break;
            case "tls1.3":
                settings["Kestrel:EndpointDefaults:SslProtocols:0"] = "Tls13";
                break;
            case "tls1.0" or "tls1.1":
                tls.Findings.Add(new(GoRegistryFindingSeverity.Note, tls.KeyPath("minimumtls"), tls.OriginOf("minimumtls"),
                    "the system's TLS versions apply (TLS 1.2 and 1.3 with OpenSSL's defaults)."));
                break;
            case var other:
                tls.Error("minimumtls", $"is '{other}'; one of tls1.0, tls1.1, tls1.2, tls1.3.");
                break;
        }

        tls.Report("ciphersuites", GoRegistryFindingSeverity.Warning, "the system's (OpenSSL's) cipher suites apply; ignored.");
        tls.ReportUnread();
        return https;
    }

    /// <summary><c>:5000</c> listens on every interface, <c>host:port</c> on that one, like Go's <c>net.Listen</c>.</summary>
    private static string? ListenUrl(string scheme, string address, GoConfigSection http)
    {
        var colon = address.LastIndexOf(':');
        var port = colon < 0 ? string.Empty : address[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            http.Error("addr", $"must be host:port or :port (such as :5000), not '{address}'.");
            return null;
        }

        var host = address[..colon];
        return host.Length == 0 || host == "0.0.0.0" || host == "[::]"
            ? $"{scheme}://*:{number.ToString(CultureInfo.InvariantCulture)}"
            : $"{scheme}://{host}:{number.ToString(CultureInfo.InvariantCulture)}";
    }

    private static void MapLog(GoConfigSection top, SortedDictionary<string, string?> settings)
    {
        var log = top.Section("log");
        var level = log?.String("level");
        var deprecatedLevel = top.String("loglevel");
        if ((level ?? deprecatedLevel) is { } text)
        {
            var mapped = text.Trim().ToLowerInvariant() switch
            {
                "error" => "Error",
                "warn" => "Warning",
                "info" => "Information",
                "debug" => "Debug",
                _ => null,
            };
            if (mapped is null)
            {
                (level is null ? top : log!).Error(level is null ? "loglevel" : "level", $"is '{text}'; one of error, warn, info, debug.");
            }
            else
            {
                settings["Logging:LogLevel:Default"] = mapped;
            }
        }

        if (log is null)
        {
            // The Go registry logs every request unless told not to; ASP.NET Core's request log is the same thing.
            settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
            return;
        }

        if (log.Section("accesslog")?.Bool("disabled") != true)
        {
            settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        }

        switch (log.String("formatter"))
        {
            case null or "text":
                break;
            case "json":
                settings["Logging:Console:FormatterName"] = "json";
                break;
            case "logstash":
                settings["Logging:Console:FormatterName"] = "json";
                log.Findings.Add(new(GoRegistryFindingSeverity.Note, log.KeyPath("formatter"), log.OriginOf("formatter"),
                    "logstash: written as .NET's JSON console format."));
                break;
            case var other:
                log.Error("formatter", $"is '{other}'; one of text, json, logstash.");
                break;
        }

        log.Report("fields", GoRegistryFindingSeverity.Warning, "fields are not added to log lines; ignored.");
        log.Report("hooks", GoRegistryFindingSeverity.Warning, "log hooks (mail) are not supported; ignored.");
        log.ReportUnread();
    }

    private static void MapHealth(GoConfigSection? health)
    {
        if (health is null)
        {
            return;
        }

        health.Report("storagedriver", GoRegistryFindingSeverity.Note,
            "GET /health/ready checks the storage on each call (interval and threshold are not used), and registry requests are not refused while it fails.");
        health.ReportUnread("file, http and tcp health checks are not supported; ignored.");
    }

    private static void MapPolicies(GoConfigSection top)
    {
        if (top.Section("validation") is { } validation)
        {
            validation.Bool("enabled");
            var disabled = validation.Bool("disabled") == true;
            var urls = validation.Section("manifests")?.Section("urls");
            if (!disabled && urls is not null && (urls.Node("allow") is GoConfigSequence { Items.Count: > 0 } || urls.Node("deny") is GoConfigSequence { Items.Count: > 0 }))
            {
                validation.Error("manifests", "allow/deny lists of URLs in manifests are not supported: manifests they refuse would be accepted.");
            }

            validation.ReportUnread();
        }

        if (top.Section("policy") is { } policy)
        {
            if (policy.Section("repository") is { } repository && repository.Node("classes") is GoConfigSequence { Items.Count: > 0 })
            {
                repository.Error("classes", "repository classes are not supported: content they refuse would be accepted.");
            }

            policy.ReportUnread();
        }
    }

    internal static void SetIfPresent(IDictionary<string, string?> settings, string key, string? value)
    {
        if (value is not null)
        {
            settings[key] = value;
        }
    }

    internal static string? Format(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => null,
    };
}
