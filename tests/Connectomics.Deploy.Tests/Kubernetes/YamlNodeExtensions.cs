using YamlDotNet.RepresentationModel;

namespace Connectomics.Deploy.Tests.Kubernetes;

/// <summary>Walks parsed YAML by key, failing with the path that is missing or of the wrong kind.</summary>
internal static class YamlNodeExtensions
{
    /// <summary>Gets the mapping at a dotted path of keys below <paramref name="node"/>.</summary>
    public static YamlMappingNode Mapping(this YamlNode node, string path) => At<YamlMappingNode>(node, path);

    /// <summary>Gets the sequence at a dotted path of keys below <paramref name="node"/>.</summary>
    public static YamlSequenceNode Sequence(this YamlNode node, string path) => At<YamlSequenceNode>(node, path);

    /// <summary>Gets the scalar's text at a dotted path of keys below <paramref name="node"/>.</summary>
    public static string Scalar(this YamlNode node, string path) => At<YamlScalarNode>(node, path).Value ?? string.Empty;

    /// <summary>Gets the scalar's text under one key that may itself hold dots (an annotation's name).</summary>
    public static string ScalarUnder(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar
            ? scalar.Value ?? string.Empty
            : throw new KeyNotFoundException($"No scalar '{key}' in the mapping at line {node.Start.Line}.");

    /// <summary>Whether the node is a mapping with the key.</summary>
    public static bool Has(this YamlNode node, string key) => node is YamlMappingNode mapping && mapping.Children.ContainsKey(new YamlScalarNode(key));

    private static T At<T>(YamlNode node, string path)
        where T : YamlNode
    {
        var current = node;
        foreach (var key in path.Split('.'))
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                throw new KeyNotFoundException($"'{path}' not found (no '{key}' at line {current.Start.Line}).");
            }

            current = child;
        }

        return current as T ?? throw new InvalidCastException($"'{path}' at line {current.Start.Line} is a {current.NodeType}, not a {typeof(T).Name}.");
    }
}
