using System.Text;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The `--folding FILE` format: a hand-chosen PE and SIMD for every layer, overriding the
/// optimizer. Everything is validated against the model's layers and the folding rules; every
/// mistake is a <see cref="UserError"/> at its line and column.
/// <code>
/// layers:
///   l0: { pe: 16, simd: 49 }
///   l4: { pe: 8, simd: 16 }
/// </code>
/// </summary>
public static class FoldingFile
{
    public static FoldingPlan Load(string path, IReadOnlyList<LayerShape> shapes)
    {
        if (!File.Exists(path)) throw UserError.In(path, "no such folding file");
        string text;
        try
        {
            text = HwFlow.Runtime.IO.InputFile.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(path, $"cannot read the folding file ({e.Message})");
        }
        return Parse(text, path, shapes);
    }

    /// <summary>Parses folding-file text; <paramref name="path"/> only names the file in errors.</summary>
    public static FoldingPlan Parse(string text, string path, IReadOnlyList<LayerShape> shapes)
    {
        var nodes = new YamlNodes(path);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw UserError.At(path, (int)e.Start.Line, (int)e.Start.Column, $"malformed YAML: {Innermost(e).Message}");
        }
        if (stream.Documents.Count != 1)
            throw UserError.In(path, stream.Documents.Count == 0
                ? $"the folding file is empty; expected 'layers:' with {{ pe, simd }} for each of {Names(shapes)}"
                : $"expected one YAML document, found {stream.Documents.Count}");

        var root = nodes.Mapping(stream.Documents[0].RootNode, "the folding file");
        nodes.OnlyKeys(root, "the folding file", "layers");
        var layersNode = nodes.Mapping(nodes.Required(root, "layers", "the folding file"), "layers");

        var byName = shapes.ToDictionary(s => s.Name);
        var chosen = new Dictionary<string, LayerFolding>(); // YamlDotNet already rejects a duplicate key
        foreach (var (key, value) in layersNode.Children)
        {
            var name = nodes.Scalar(key, "a layer name");
            if (!byName.TryGetValue(name, out var shape))
                throw nodes.ErrorAt(key, $"unknown layer '{name}' (the model's layers are: {Names(shapes)})");
            chosen[name] = ParseLayer(nodes, shape, value);
        }

        var missing = shapes.Where(s => !chosen.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        if (missing.Count > 0)
            throw nodes.ErrorAt(layersNode, $"no folding for layer{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (every layer needs {{ pe, simd }})");
        return new FoldingPlan([.. shapes.Select(s => chosen[s.Name])]);
    }

    /// <summary>The file text of a plan, in layer order; <see cref="Parse"/> reads it back to the same plan.</summary>
    public static string Format(FoldingPlan plan)
    {
        var text = new StringBuilder("# PE output neurons and SIMD inputs per cycle, per layer (hwflow --folding)\nlayers:\n");
        foreach (var f in plan.Layers) text.Append($"  {f.Layer}: {{ pe: {f.Pe}, simd: {f.Simd} }}\n");
        return text.ToString();
    }

    private static LayerFolding ParseLayer(YamlNodes nodes, LayerShape shape, YamlNode node)
    {
        var what = $"the folding of layer {shape.Name}";
        var map = nodes.Mapping(node, what);
        nodes.OnlyKeys(map, what, "pe", "simd");
        var peNode = nodes.Required(map, "pe", what);
        var simdNode = nodes.Required(map, "simd", what);
        int pe = nodes.Int(peNode, $"pe of layer {shape.Name}");
        int simd = nodes.Int(simdNode, $"simd of layer {shape.Name}");
        if (FoldingRules.CheckPe(shape, pe) is { } peViolation) throw nodes.ErrorAt(peNode, peViolation);
        if (FoldingRules.CheckSimd(shape, simd) is { } simdViolation) throw nodes.ErrorAt(simdNode, simdViolation);
        return new LayerFolding(shape.Name, pe, simd);
    }

    private static string Names(IReadOnlyList<LayerShape> shapes) => string.Join(", ", shapes.Select(s => s.Name));

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
