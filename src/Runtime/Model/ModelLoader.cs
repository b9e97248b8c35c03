using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Tensors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>
/// Loads a model folder (model.yaml plus .npy tensors) and validates all of it: keys, values,
/// tensor files, shapes along the layer chain, and finite parameters.
/// </summary>
public static class ModelLoader
{
    public const string FileName = "model.yaml";
    public const int DefaultBinAggression = 16;

    private static readonly string[] TopKeys = ["format", "name", "input", "binAggression", "scales", "layers", "output"];

    /// <summary>The folder a model path stands for (a model folder, or the folder of its model.yaml): everything the model reads lies in it.</summary>
    public static string FolderOf(string path) => Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;

    /// <summary>Loads from a model folder, the path of its model.yaml, or an .onnx file (QONNX / FINN-ONNX, imported).</summary>
    public static ModelSpec Load(string path)
    {
        if (Onnx.OnnxImport.IsOnnxPath(path)) return Onnx.OnnxImport.Load(path);
        var yamlPath = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(yamlPath))
            throw UserError.In(yamlPath, Directory.Exists(path)
                ? $"the model folder has no {FileName}"
                : "no such model file or folder");
        string text;
        try
        {
            text = IO.InputFile.ReadAllText(yamlPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(yamlPath, $"cannot read the model file ({e.Message})");
        }
        return Parse(text, yamlPath);
    }

    /// <summary>Parses model.yaml text; tensor paths resolve against the folder of <paramref name="yamlPath"/>.</summary>
    public static ModelSpec Parse(string text, string yamlPath)
    {
        var nodes = new YamlNodes(yamlPath);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw UserError.At(yamlPath, (int)e.Start.Line, (int)e.Start.Column, $"malformed YAML: {Innermost(e).Message}");
        }
        if (stream.Documents.Count != 1)
            throw UserError.In(yamlPath, $"expected one YAML document, found {stream.Documents.Count}");

        var root = nodes.Mapping(stream.Documents[0].RootNode, "the model file");
        nodes.OnlyKeys(root, "the model file", TopKeys);

        var formatNode = nodes.Required(root, "format", "the model file");
        var format = nodes.Scalar(formatNode, "format");
        if (format != ModelSpec.FormatTag)
            throw nodes.ErrorAt(formatNode, $"unsupported format '{format}' (expected {ModelSpec.FormatTag})");

        var nameNode = nodes.Required(root, "name", "the model file");
        var name = nodes.Scalar(nameNode, "name");
        if (string.IsNullOrWhiteSpace(name)) throw nodes.ErrorAt(nameNode, "name must not be empty");

        var input = ParseInput(nodes, nodes.Required(root, "input", "the model file"));

        int binAggression = DefaultBinAggression;
        if (nodes.Optional(root, "binAggression") is { } aggressionNode)
            binAggression = PositiveChunk(nodes, aggressionNode);

        var output = OutputKind.Class;
        if (nodes.Optional(root, "output") is { } outputNode)
        {
            output = nodes.Scalar(outputNode, "output") switch
            {
                "class" => OutputKind.Class,
                "scores" => OutputKind.Scores,
                var other => throw nodes.ErrorAt(outputNode, $"unknown output '{other}' (expected class or scores)"),
            };
        }

        var scales = ScaleMode.Exact;
        if (nodes.Optional(root, "scales") is { } scalesNode)
        {
            scales = nodes.Scalar(scalesNode, "scales") switch
            {
                "exact" => ScaleMode.Exact,
                "pow2" => ScaleMode.Pow2,
                var other => throw nodes.ErrorAt(scalesNode, $"unknown scales '{other}' (expected exact or pow2)"),
            };
        }

        var layersNode = nodes.Sequence(nodes.Required(root, "layers", "the model file"), "layers");
        if (layersNode.Children.Count == 0) throw nodes.ErrorAt(layersNode, "the model has no layers");

        var folder = Path.GetDirectoryName(Path.GetFullPath(yamlPath))!;
        var tensors = new TensorFiles(nodes, folder);
        var layers = new List<Layer>();
        int[] shape = input.Shape;
        for (int i = 0; i < layersNode.Children.Count; i++)
        {
            var layerNode = layersNode.Children[i];
            var layer = LayerParser.Parse(nodes, tensors, layerNode, i);
            LayerShapes.Check(nodes, layerNode, layer, i, shape, layers);
            shape = layer.OutputShape(shape);
            layers.Add(layer);
        }
        return new ModelSpec(name, input, binAggression, layers, output, scales);
    }

    internal static int PositiveChunk(YamlNodes nodes, YamlNode node)
    {
        var value = nodes.Int(node, "binAggression");
        if (value < 1) throw nodes.ErrorAt(node, $"binAggression must be at least 1, got {value}");
        return value;
    }

    private static InputSpec ParseInput(YamlNodes nodes, YamlNode node)
    {
        var map = nodes.Mapping(node, "input");
        nodes.OnlyKeys(map, "input", "shape", "type", "scale");
        var shapeNode = nodes.Sequence(nodes.Required(map, "shape", "input"), "input shape");
        var shape = shapeNode.Children.Select(d => nodes.Int(d, "an input dimension")).ToArray();
        if (shape.Length is not (1 or 3) || shape.Any(d => d < 1))
            throw nodes.ErrorAt(shapeNode, $"input shape must be [features] such as [784] or [height, width, channels] such as [28, 28, 1] (positive), got {Tensor.FormatShape(shape)}");
        var typeNode = nodes.Required(map, "type", "input");
        var type = nodes.Scalar(typeNode, "input type");
        if (type != "uint8") throw nodes.ErrorAt(typeNode, $"input type '{type}' is not supported (expected uint8)");
        var scaleNode = nodes.Required(map, "scale", "input");
        var scale = nodes.Double(scaleNode, "input scale");
        if (scale <= 0) throw nodes.ErrorAt(scaleNode, $"input scale must be positive (real = raw * scale), got {scale}");
        return new InputSpec(shape, type, scale);
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
