using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OciRegistry.Host.GoRegistryConfiguration;

/// <summary>Reads YAML text (a configuration file, or the value of a <c>REGISTRY_*</c> variable) into <see cref="GoConfigNode"/>s.</summary>
internal static class GoConfigYaml
{
    /// <summary>Parses a whole configuration document, which must be a mapping.</summary>
    /// <exception cref="GoRegistryConfigurationException">The text is not YAML, or not a mapping.</exception>
    public static GoConfigMapping ParseDocument(string text, string fileName)
    {
        var root = Parse(text, line => $"{fileName} line {line}", fileName);
        return root as GoConfigMapping
            ?? throw new GoRegistryConfigurationException($"{fileName}: the configuration must be a YAML mapping (version: 0.1, storage: ..., http: ...).");
    }

    /// <summary>
    /// Parses the value of an environment variable as YAML, as the Go registry does (<c>true</c> is a boolean,
    /// <c>{s3: {bucket: b}}</c> a mapping); a value that is not valid YAML is taken as plain text.
    /// </summary>
    public static GoConfigNode ParseValue(string text, string variableName)
    {
        try
        {
            return Parse(text, _ => variableName, variableName) ?? new GoConfigScalar(null, variableName);
        }
        catch (GoRegistryConfigurationException)
        {
            return new GoConfigScalar(text, variableName);
        }
    }

    private static GoConfigNode? Parse(string text, Func<long, string> originAt, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException invalid)
        {
            throw new GoRegistryConfigurationException($"{originAt(invalid.Start.Line)}: not valid YAML: {invalid.InnerException?.Message ?? invalid.Message}", invalid);
        }

        if (stream.Documents.Count > 1)
        {
            throw new GoRegistryConfigurationException($"{source}: holds {stream.Documents.Count} YAML documents; the registry reads one.");
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, originAt);
    }

    /// <summary>Converts a node; a mapping's value is placed at its key's line (a nested mapping starts a line below).</summary>
    private static GoConfigNode Convert(YamlNode node, Func<long, string> originAt, long? line = null)
    {
        var origin = originAt(line ?? node.Start.Line);
        switch (node)
        {
            case YamlMappingNode mapping:
                var result = new GoConfigMapping(origin);
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode { Value: { } text } ? text : throw new GoRegistryConfigurationException($"{originAt(key.Start.Line)}: a key must be a plain value.");
                    result.Set(name, Convert(value, originAt, key.Start.Line));
                }

                return result;
            case YamlSequenceNode sequence:
                var items = new GoConfigSequence(origin);
                items.Items.AddRange(sequence.Children.Select(child => Convert(child, originAt)));
                return items;
            case YamlScalarNode scalar:
                var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
                return new GoConfigScalar(isNull ? null : scalar.Value, origin);
            default:
                throw new GoRegistryConfigurationException($"{origin}: unexpected YAML node {node.NodeType}.");
        }
    }
}
