using System.Reflection;
using System.Text.Json;
using OciRegistry.Storage.Azure;
using OciRegistry.Storage.FileSystem;
using OciRegistry.Storage.S3;

namespace OciRegistry.Host.CloudFoundry;

/// <summary>
/// Finds the one storage binding in <c>VCAP_SERVICES</c> and maps it onto <c>OciRegistry:Storage:*</c> keys. It
/// understands a user-provided service (<c>cf cups</c>) whose credentials say <c>{"driver": "s3" | "azure" |
/// "filesystem", ...}</c> followed by that driver's settings (camelCase or PascalCase), and the usual broker shapes: S3
/// (<c>access_key_id</c>, <c>secret_access_key</c>, <c>bucket</c>, <c>region</c>, <c>endpoint</c> or <c>host</c>) and
/// Azure Storage (<c>storage_account_name</c>, <c>primary_access_key</c>, <c>container_name</c>). Bindings of other
/// kinds (a database, a log drain) are ignored.
/// </summary>
internal static class VcapStorageBinding
{
    private const string StoragePrefix = "OciRegistry:Storage:";

    private static readonly Dictionary<string, (string Section, Type Options)> Drivers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s3"] = ("S3", typeof(S3BlobStoreOptions)),
        ["azure"] = ("Azure", typeof(AzureBlobStoreOptions)),
        ["filesystem"] = ("FileSystem", typeof(FileSystemBlobStoreOptions)),
    };

    /// <summary>
    /// The configuration keys of the storage binding in <paramref name="vcapServices"/>; none when it is blank or
    /// binds no storage.
    /// </summary>
    /// <exception cref="FormatException">The JSON is malformed, a storage binding lacks a key, or two bindings are storage.</exception>
    public static IReadOnlyDictionary<string, string?> Read(string? vcapServices)
    {
        if (string.IsNullOrWhiteSpace(vcapServices))
        {
            return new Dictionary<string, string?>();
        }

        using var document = Parse(vcapServices);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"it must be a JSON object of service labels, not {Describe(document.RootElement)}");
        }

        var found = new List<(string Name, Dictionary<string, string?> Keys)>();
        foreach (var label in document.RootElement.EnumerateObject())
        {
            if (label.Value.ValueKind != JsonValueKind.Array)
            {
                throw Malformed($"the value of service label '{label.Name}' must be an array of bindings, not {Describe(label.Value)}");
            }

            var index = 0;
            foreach (var service in label.Value.EnumerateArray())
            {
                var name = $"{label.Name}[{index++}]";
                if (service.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed($"binding {name} must be a JSON object, not {Describe(service)}");
                }

                if (service.TryGetProperty("name", out var serviceName) && serviceName.ValueKind == JsonValueKind.String)
                {
                    name = $"'{serviceName.GetString()}' ({label.Name})";
                }

                if (MapStorage(name, service) is { } keys)
                {
                    found.Add((name, keys));
                }
            }
        }

        return found.Count switch
        {
            0 => new Dictionary<string, string?>(),
            1 => found[0].Keys,
            _ => throw Malformed(
                $"{found.Count} bindings name storage ({string.Join(", ", found.Select(binding => binding.Name))}); bind one storage service to the registry"),
        };
    }

    private static JsonDocument Parse(string vcapServices)
    {
        try
        {
            return JsonDocument.Parse(vcapServices);
        }
        catch (JsonException e)
        {
            throw Malformed($"it is not valid JSON ({e.Message})");
        }
    }

    /// <summary>The storage keys a binding maps to, or <c>null</c> when it binds something else than storage.</summary>
    private static Dictionary<string, string?>? MapStorage(string name, JsonElement service)
    {
        if (!service.TryGetProperty("credentials", out var credentials) || credentials.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"the credentials of binding {name} must be a JSON object, not {Describe(credentials)}");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in credentials.EnumerateObject())
        {
            values[property.Name] = property.Value;
        }

        if (values.ContainsKey("driver"))
        {
            return MapUserProvided(name, values);
        }

        if (values.ContainsKey("bucket") && (values.ContainsKey("access_key_id") || values.ContainsKey("secret_access_key")))
        {
            return MapS3Broker(name, values);
        }

        if (values.ContainsKey("storage_account_name") || values.ContainsKey("primary_access_key"))
        {
            return MapAzureBroker(name, values);
        }

        return null;
    }

    /// <summary><c>{"driver": "s3", "bucket": ..., "serviceUrl": ...}</c>: every other key is a setting of that driver.</summary>
    private static Dictionary<string, string?> MapUserProvided(string name, Dictionary<string, JsonElement> values)
    {
        var driver = Text(name, "driver", values["driver"]);
        if (driver is null || !Drivers.TryGetValue(driver, out var target))
        {
            throw Malformed($"binding {name} names driver '{driver}'; known drivers: {string.Join(", ", Drivers.Keys)}");
        }

        var settings = target.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite && IsBindable(property.PropertyType))
            .ToDictionary(property => property.Name, StringComparer.OrdinalIgnoreCase);
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [StoragePrefix + "Driver"] = driver.ToLowerInvariant() };
        foreach (var (key, value) in values)
        {
            if (key.Equals("driver", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!settings.TryGetValue(key, out var setting))
            {
                throw Malformed(
                    $"binding {name} has credential '{key}', which is no setting of the {driver.ToLowerInvariant()} driver; its settings: {string.Join(", ", settings.Keys)}");
            }

            keys[$"{StoragePrefix}{target.Section}:{setting.Name}"] = Text(name, key, value);
        }

        return keys;
    }

    private static Dictionary<string, string?> MapS3Broker(string name, Dictionary<string, JsonElement> values)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [StoragePrefix + "Driver"] = "s3",
            [StoragePrefix + "S3:Bucket"] = Required(name, values, "bucket"),
            [StoragePrefix + "S3:AccessKeyId"] = Required(name, values, "access_key_id"),
            [StoragePrefix + "S3:SecretAccessKey"] = Required(name, values, "secret_access_key"),
        };
        if (Optional(name, values, "region") is { } region)
        {
            keys[StoragePrefix + "S3:Region"] = region;
        }

        // An endpoint means an S3-compatible service (MinIO, Ceph, ECS, a Swift proxy): those need path-style addressing.
        var endpoint = Optional(name, values, "endpoint") ?? Optional(name, values, "host");
        if (endpoint is not null)
        {
            var url = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : $"https://{endpoint}";
            if (!Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                throw Malformed($"binding {name} has endpoint '{endpoint}', which is no URL or host name");
            }

            keys[StoragePrefix + "S3:ServiceUrl"] = url;
            keys[StoragePrefix + "S3:ForcePathStyle"] = "true";
        }

        return keys;
    }

    private static Dictionary<string, string?> MapAzureBroker(string name, Dictionary<string, JsonElement> values) =>
        new(StringComparer.OrdinalIgnoreCase)
        {
            [StoragePrefix + "Driver"] = "azure",
            [StoragePrefix + "Azure:AccountName"] = Required(name, values, "storage_account_name"),
            [StoragePrefix + "Azure:AccountKey"] = Required(name, values, "primary_access_key"),
            [StoragePrefix + "Azure:Container"] = Required(name, values, "container_name"),
        };

    private static string Required(string name, Dictionary<string, JsonElement> values, string key) =>
        Optional(name, values, key) ?? throw Malformed($"binding {name} looks like {Shape(key)} storage but has no '{key}'");

    private static string? Optional(string name, Dictionary<string, JsonElement> values, string key) =>
        values.TryGetValue(key, out var value) && Text(name, key, value) is { Length: > 0 } text ? text : null;

    private static string Shape(string key) => key is "storage_account_name" or "primary_access_key" or "container_name" ? "Azure" : "S3";

    /// <summary>A credential as a configuration value: strings as they are, numbers and booleans as JSON writes them.</summary>
    private static string? Text(string name, string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => null,
        _ => throw Malformed($"credential '{key}' of binding {name} must be a string, number or boolean, not {Describe(value)}"),
    };

    private static bool IsBindable(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static FormatException Malformed(string problem) => new($"{VcapServicesConfigurationSource.VariableName} is malformed: {problem}.");
}
