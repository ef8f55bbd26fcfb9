using System.Globalization;
using static OciRegistry.Host.GoRegistryConfiguration.GoRegistryConfigurationMapper;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Maps the <c>storage</c> section: the driver and its parameters, deletes, redirects, maintenance, caches.</summary>
internal static class GoRegistryStorageMapping
{
    private const string Storage = "OciRegistry:Storage";
    private const long MiB = 1024 * 1024;

    /// <summary>Keys of <c>storage</c> that are not a driver (the Go registry's own list, plus v3's <c>tag</c>).</summary>
    private static readonly string[] NotDrivers = ["maintenance", "cache", "delete", "redirect", "tag"];

    public static void Map(GoConfigSection top, IDictionary<string, string?> settings)
    {
        // "storage: inmemory" (a bare driver name) is a driver without parameters.
        if (top.Node("storage") is GoConfigScalar { Value: { } bareDriver })
        {
            MapDriver(bareDriver, null, top, settings);
            settings[$"{Storage}:DeleteEnabled"] = "false";
            return;
        }

        var storage = top.Section("storage");
        if (storage is null)
        {
            top.Error("storage", "is missing: no storage configuration provided.");
            return;
        }

        var drivers = storage.Keys.Where(key => !NotDrivers.Contains(key)).ToList();
        if (drivers.Count != 1)
        {
            storage.Findings.Add(new(GoRegistryFindingSeverity.Error, storage.Path, storage.Origin, drivers.Count == 0
                ? "names no storage driver (filesystem, s3 or azure)."
                : $"names several storage drivers ({string.Join(", ", drivers)}) in the file or the environment; exactly one is needed."));
        }
        else
        {
            var parameters = storage.Node(drivers[0]) switch
            {
                GoConfigMapping mapping => new GoConfigSection(mapping, storage.KeyPath(drivers[0]), storage.Findings),
                _ => null,
            };
            MapDriver(drivers[0], parameters, storage, settings);
        }

        // The Go registry refuses deletes unless told otherwise; so does this host when it reads its configuration.
        var delete = storage.Section("delete");
        settings[$"{Storage}:DeleteEnabled"] = Format(delete?.Bool("enabled") ?? false);
        delete?.ReportUnread();

        if (storage.Section("redirect") is { } redirect)
        {
            SetIfPresent(settings, $"{Storage}:Redirect:Enabled", Format(!redirect.Bool("disable")));
            redirect.ReportUnread();
        }

        MapMaintenance(storage.Section("maintenance"), settings);
        MapCache(storage.Section("cache"));
        storage.Report("tag", GoRegistryFindingSeverity.Warning, "tag lookups need no concurrency limit here; ignored.");
        storage.ReportUnread();
    }

    private static void MapDriver(string driver, GoConfigSection? parameters, GoConfigSection storage, IDictionary<string, string?> settings)
    {
        switch (driver)
        {
            case "filesystem":
                settings[$"{Storage}:Driver"] = "filesystem";
                settings[$"{Storage}:FileSystem:RootDirectory"] = parameters?.String("rootdirectory") ?? "/var/lib/registry";
                parameters?.Report("maxthreads", GoRegistryFindingSeverity.Warning, "file operations are asynchronous here and need no thread limit; ignored.");
                break;
            case "s3":
            case "s3aws":
                settings[$"{Storage}:Driver"] = "s3";
                if (parameters is null)
                {
                    storage.Error(driver, "needs its parameters (bucket, region, ...).");
                    return;
                }

                MapS3(parameters, settings);
                break;
            case "azure":
                settings[$"{Storage}:Driver"] = "azure";
                if (parameters is null)
                {
                    storage.Error(driver, "needs its parameters (accountname, accountkey, container).");
                    return;
                }

                MapAzure(parameters, settings);
                break;
            default:
                storage.Findings.Add(new(GoRegistryFindingSeverity.Error, storage.KeyPath(driver), storage.OriginOf(driver),
                    $"the storage driver '{driver}' is not supported; this registry stores in filesystem, s3 or azure."));
                return;
        }

        parameters?.ReportUnread();
    }

    private static void MapS3(GoConfigSection s3, IDictionary<string, string?> settings)
    {
        const string S3 = $"{Storage}:S3";
        var bucket = s3.String("bucket");
        if (string.IsNullOrWhiteSpace(bucket))
        {
            s3.Error("bucket", "is missing: no bucket parameter provided.");
        }

        SetIfPresent(settings, $"{S3}:Bucket", bucket);
        SetIfPresent(settings, $"{S3}:Region", s3.String("region"));
        SetIfPresent(settings, $"{S3}:AccessKeyId", s3.String("accesskey"));
        SetIfPresent(settings, $"{S3}:SecretAccessKey", s3.String("secretkey"));
        SetIfPresent(settings, $"{S3}:RootDirectory", s3.String("rootdirectory"));

        var secure = s3.Bool("secure") ?? true;
        var endpoint = s3.String("regionendpoint");
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            // The AWS SDK for Go puts https:// (http:// with secure: false) before an endpoint written without a scheme.
            settings[$"{S3}:ServiceUrl"] = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : $"{(secure ? "https" : "http")}://{endpoint}";
        }

        // forcepathstyle is distribution 3's; 2.x always addressed a regionendpoint by path.
        SetIfPresent(settings, $"{S3}:ForcePathStyle", Format(s3.Bool("forcepathstyle") ?? (string.IsNullOrWhiteSpace(endpoint) ? null : true)));

        if (s3.Integer("chunksize") is { } chunkSize)
        {
            if (chunkSize < 5 * MiB)
            {
                s3.Error("chunksize", $"is {chunkSize} bytes; S3 parts are at least 5242880 bytes (5 MiB).");
            }
            else
            {
                var mebibytes = (chunkSize + MiB - 1) / MiB;
                settings[$"{S3}:PartSizeMiB"] = mebibytes.ToString(CultureInfo.InvariantCulture);
                if (chunkSize % MiB != 0)
                {
                    s3.Findings.Add(new(GoRegistryFindingSeverity.Note, s3.KeyPath("chunksize"), s3.OriginOf("chunksize"),
                        $"parts are sized in whole MiB here: {mebibytes} MiB."));
                }
            }
        }

        if (s3.Bool("encrypt") == true)
        {
            s3.Findings.Add(new(GoRegistryFindingSeverity.Note, s3.KeyPath("encrypt"), s3.OriginOf("encrypt"),
                "objects are not sent with an encryption header; Amazon S3 encrypts every new object (SSE-S3) by default. Check your S3-compatible service's bucket encryption."));
        }

        s3.Report("keyid", GoRegistryFindingSeverity.Error, "encryption with a KMS key is not supported: objects would be stored without it.");
        if (s3.Bool("v4auth") == false)
        {
            s3.Findings.Add(new(GoRegistryFindingSeverity.Warning, s3.KeyPath("v4auth"), s3.OriginOf("v4auth"), "requests are always signed with signature version 4; ignored."));
        }

        if (s3.String("storageclass") is { } storageClass && !storageClass.Equals("STANDARD", StringComparison.OrdinalIgnoreCase))
        {
            s3.Findings.Add(new(GoRegistryFindingSeverity.Warning, s3.KeyPath("storageclass"), s3.OriginOf("storageclass"),
                $"objects are stored in the bucket's default class, not {storageClass}; ignored."));
        }

        if (s3.String("objectacl") is { } acl && acl != "private")
        {
            s3.Findings.Add(new(GoRegistryFindingSeverity.Warning, s3.KeyPath("objectacl"), s3.OriginOf("objectacl"),
                $"objects get the bucket's default ACL (private), not {acl}; ignored."));
        }

        foreach (var tuning in new[] { "multipartcopychunksize", "multipartcopymaxconcurrency", "multipartcopythresholdsize" })
        {
            s3.Report(tuning, GoRegistryFindingSeverity.Warning, "server-side copies are sized by the driver itself; ignored.");
        }

        s3.Report("skipverify", GoRegistryFindingSeverity.Warning, "TLS certificates of the endpoint are always verified; ignored.");
    }

    private static void MapAzure(GoConfigSection azure, IDictionary<string, string?> settings)
    {
        const string Azure = $"{Storage}:Azure";
        var accountName = azure.String("accountname");
        SetIfPresent(settings, $"{Azure}:AccountName", accountName);
        SetIfPresent(settings, $"{Azure}:AccountKey", azure.String("accountkey"));
        SetIfPresent(settings, $"{Azure}:Container", azure.String("container"));
        SetIfPresent(settings, $"{Azure}:RootDirectory", azure.String("rootdirectory"));
        if (azure.Integer("maxretries") is { } retries)
        {
            settings[$"{Azure}:MaxRetries"] = retries.ToString(CultureInfo.InvariantCulture);
        }

        var serviceUrl = azure.String("serviceurl");
        var realm = azure.String("realm");
        if (!string.IsNullOrWhiteSpace(serviceUrl))
        {
            settings[$"{Azure}:ServiceUri"] = serviceUrl;
        }
        else if (!string.IsNullOrWhiteSpace(realm) && realm != "core.windows.net" && !string.IsNullOrWhiteSpace(accountName))
        {
            settings[$"{Azure}:ServiceUri"] = $"https://{accountName}.blob.{realm}";
        }

        if (azure.Section("credentials") is { } credentials)
        {
            switch (credentials.String("type"))
            {
                case null or "shared_key" or "default_credentials":
                    break;
                case "client_secret":
                    credentials.Error("type", "client_secret: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in the environment instead " +
                        "(DefaultAzureCredential reads them), and type: default_credentials.");
                    credentials.Node("clientid");
                    credentials.Node("tenantid");
                    credentials.Node("secret");
                    break;
                case var other:
                    credentials.Error("type", $"is '{other}'; one of shared_key, default_credentials.");
                    break;
            }

            credentials.ReportUnread();
        }

        foreach (var tuning in new[] { "retrytimeout", "retrydelay", "maxretrydelay", "copystatuspollmaxretry", "copystatuspolldelay" })
        {
            azure.Report(tuning, GoRegistryFindingSeverity.Warning, "retries are timed by the driver (OciRegistry:Storage:Azure:Timeout); ignored.");
        }
    }

    private static void MapMaintenance(GoConfigSection? maintenance, IDictionary<string, string?> settings)
    {
        if (maintenance is null)
        {
            return;
        }

        if (maintenance.Section("uploadpurging") is { } purging)
        {
            var enabled = purging.Bool("enabled") ?? true;
            var dryRun = purging.Bool("dryrun") ?? false;
            var age = purging.Duration("age");
            if (!enabled || dryRun)
            {
                // Nothing of that age exists: collections purge no upload, as the Go registry's dry run deletes none.
                settings["OciRegistry:GarbageCollection:UploadPurgeAge"] = TimeSpan.FromDays(36500).ToString("c", CultureInfo.InvariantCulture);
            }
            else if (age is { } purgeAge)
            {
                settings["OciRegistry:GarbageCollection:UploadPurgeAge"] = purgeAge.ToString("c", CultureInfo.InvariantCulture);
            }

            purging.Report("interval", GoRegistryFindingSeverity.Note,
                "uploads are purged by each garbage collection (the garbage-collect command, or OciRegistry:GarbageCollection:Enabled), not on a schedule of their own.");
            if (dryRun)
            {
                purging.Findings.Add(new(GoRegistryFindingSeverity.Note, purging.KeyPath("dryrun"), purging.OriginOf("dryrun"), "no upload is purged, and none is listed."));
            }

            purging.ReportUnread();
        }

        if (maintenance.Section("readonly") is { } readOnly)
        {
            SetIfPresent(settings, ReadOnlyKey, Format(readOnly.Bool("enabled")));
            readOnly.ReportUnread();
        }

        maintenance.ReportUnread();
    }

    private static void MapCache(GoConfigSection? cache)
    {
        if (cache is null)
        {
            return;
        }

        foreach (var key in new[] { "blobdescriptor", "layerinfo" })
        {
            switch (cache.String(key))
            {
                case null or "inmemory":
                    break;
                case "redis":
                    cache.Findings.Add(new(GoRegistryFindingSeverity.Warning, cache.KeyPath(key), cache.OriginOf(key),
                        "redis: this registry keeps no blob descriptor cache (each request asks the storage); ignored."));
                    break;
                case var other:
                    cache.Error(key, $"is '{other}'; one of inmemory, redis.");
                    break;
            }
        }

        cache.Node("blobdescriptorsize");
        cache.ReportUnread();
    }
}
