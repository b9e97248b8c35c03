using System.Globalization;
using HwFlow.Runtime.Errors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Typed access to YAML nodes; every mismatch is a <see cref="UserError"/> at the node's line and column.</summary>
public sealed class YamlNodes(string file)
{
    public string File { get; } = file;

    public UserError ErrorAt(YamlNode node, string message) =>
        UserError.At(File, (int)node.Start.Line, (int)node.Start.Column, message);

    public YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw ErrorAt(node, $"{what} must be a mapping (key: value)");

    public YamlSequenceNode Sequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw ErrorAt(node, $"{what} must be a list");

    public string Scalar(YamlNode node, string what) =>
        (node as YamlScalarNode)?.Value ?? throw ErrorAt(node, $"{what} must be a single value");

    public YamlNode? Optional(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public YamlNode Required(YamlMappingNode map, string key, string what) =>
        Optional(map, key) ?? throw ErrorAt(map, $"{what} needs the key '{key}'");

    public int Int(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw ErrorAt(node, System.Numerics.BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                ? $"{what} {text} is out of range (at most {int.MaxValue:N0} in magnitude)"
                : $"{what} must be an integer, got '{text}'");
        }
        return value;
    }

    public double Double(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw ErrorAt(node, $"{what} must be a finite number, got '{text}'");
        return value;
    }

    /// <summary>Rejects keys outside <paramref name="allowed"/>, naming the ones that are allowed.</summary>
    public void OnlyKeys(YamlMappingNode map, string what, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = Scalar(key, "a key");
            if (!allowed.Contains(name))
                throw ErrorAt(key, $"unknown key '{name}' in {what} (expected one of: {string.Join(", ", allowed)})");
        }
    }
}
