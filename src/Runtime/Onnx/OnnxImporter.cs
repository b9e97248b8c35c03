using System.Globalization;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// Turns a QONNX or FINN-ONNX graph into an HwFlow model: constants are folded, the nodes that
/// compute on the input become a chain of layers. Every problem is a <see cref="UserError"/>
/// naming the file and the node.
/// </summary>
internal sealed class OnnxImporter
{
    public const string StandardDomain = "ai.onnx";
    public static readonly string[] CustomDomains = ["onnx.brevitas", "qonnx.custom_op.general", "finn.custom_op.general"];

    public static readonly string[] StandardOps =
    [
        "MatMul", "Gemm", "Transpose", "BatchNormalization", "Add", "Sub", "Mul", "Div", "Pow", "Reshape", "Flatten",
        "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Sign", "Relu", "Clip", "Sigmoid", "TopK", "ArgMax",
        "Identity", "Dropout", "Constant", "Cast",
    ];

    public static readonly string[] CustomOps = ["Quant", "IntQuant", "BipolarQuant", "Trunc", "MultiThreshold"];

    private readonly string _path;
    private readonly ModelProto _model;
    private readonly OnnxImportOptions _options;
    private readonly Dictionary<string, object> _values = [];
    private readonly Dictionary<string, string> _annotations = [];
    private LayerChain _chain = null!;
    private bool _classOutput;

    private OnnxImporter(string path, ModelProto model, OnnxImportOptions options)
    {
        _path = path;
        _model = model;
        _options = options;
    }

    public static ModelSpec Import(string path, ModelProto model, OnnxImportOptions options) => new OnnxImporter(path, model, options).Run();

    private ModelSpec Run()
    {
        var graph = _model.Graph;
        foreach (var a in graph.QuantizationAnnotation)
        {
            foreach (var p in a.QuantParameterTensorNames.Where(p => p.Key == FinnDataType.AnnotationKey)) _annotations[a.TensorName] = p.Value;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        foreach (var initializer in graph.Initializer)
            _values[initializer.Name] = Wrap(() => Annotated(initializer.Name, TensorProtoReader.Read(initializer, folder)), $"initializer '{initializer.Name}'");

        var input = Input(graph);
        _chain = new LayerChain(input.Activation);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = new OnnxNode(graph.Node[i], i);
            Wrap(() => Visit(node), node.Describe);
        }
        _chain.Flush();
        return Finish(graph, input);
    }

    private (string Name, Activation Activation, double Scale) Input(GraphProto graph)
    {
        var runtime = graph.Input.Where(i => !_values.ContainsKey(i.Name)).ToList();
        if (runtime.Count == 0) throw UserError.In(_path, "the graph has no input that is not a constant");
        var first = runtime[0];
        foreach (var extra in runtime.Skip(1)) _values[extra.Name] = new Activation([1], extra.Name);
        var tensorType = first.Type?.TensorType ?? throw UserError.In(_path, $"input '{first.Name}' is not a tensor");
        var elementType = (TensorProto.Types.DataType)tensorType.ElemType;
        if (elementType is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Uint8))
            throw UserError.In(_path, $"input '{first.Name}' has element type {elementType}; HwFlow feeds float pixels (or uint8)");
        if (tensorType.Shape is null || tensorType.Shape.Dim.Count < 2)
            throw UserError.In(_path, $"input '{first.Name}' has no static shape [batch, features...]; export with a fixed input shape such as [1, 1, 28, 28]");
        var shape = new int[tensorType.Shape.Dim.Count];
        for (int d = 0; d < shape.Length; d++)
        {
            var dim = tensorType.Shape.Dim[d];
            if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue > 0 && (d > 0 || dim.DimValue == 1))
                shape[d] = (int)dim.DimValue;
            else if (d == 0)
                shape[d] = 1; // the batch: HwFlow reads one sample at a time
            else
                throw UserError.In(_path, $"input '{first.Name}' has dimension {d} = '{(dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? dim.DimParam : dim.DimValue.ToString(CultureInfo.InvariantCulture))}', which cannot be resolved statically; export with a fixed input shape such as [1, 1, 28, 28]");
        }
        var activation = new Activation(shape);
        _values[first.Name] = activation;

        double scale = _options.InputScale
            ?? Metadata(OnnxMetadata.InputScale)
            ?? (elementType == TensorProto.Types.DataType.Uint8 || _annotations.GetValueOrDefault(first.Name) is "UINT8" ? 1.0 : 1.0 / 255);
        if (!(scale > 0) || !double.IsFinite(scale)) throw UserError.In(_path, $"the input scale must be positive, got {scale}");
        return (first.Name, activation, scale);
    }

    private ModelSpec Finish(GraphProto graph, (string Name, Activation Activation, double Scale) input)
    {
        if (graph.Output.Count == 0) throw UserError.In(_path, "the graph has no output");
        var outputName = graph.Output[0].Name;
        if (!_values.TryGetValue(outputName, out var output))
            throw UserError.In(_path, $"output '{outputName}' is computed by no node");
        if (output is not ClassIndex && !ReferenceEquals(output, _chain.Head))
            throw UserError.In(_path, $"output '{outputName}' is not the end of the layer chain the input flows through");
        if (_chain.Layers.Count == 0) throw UserError.In(_path, "the graph computes nothing from its input (no layers)");
        bool scores = !_classOutput && _model.MetadataProps.Any(p => p.Key == OnnxMetadata.Output && p.Value == "scores");
        var kind = _options.Output ?? (scores ? OutputKind.Scores : OutputKind.Class);
        var name = _options.Name ?? _model.MetadataProps.FirstOrDefault(p => p.Key == OnnxMetadata.Name)?.Value
            ?? Path.GetFileNameWithoutExtension(_path);
        var features = input.Activation.Features;
        return new ModelSpec(name, new InputSpec([features], "uint8", input.Scale), ModelLoader.DefaultBinAggression, [.. _chain.Layers], kind);
    }

    /// <summary>A BatchNormalization's epsilon as `hwflow export` recorded it (ONNX attributes are float32), when it rounds to the attribute.</summary>
    private double ExactEpsilon(OnnxNode node)
    {
        double attribute = node.Float("epsilon", 1e-5);
        return Metadata(OnnxExport.EpsilonKey + node.Outputs[0]) is { } exact && (float)exact == (float)attribute ? exact : attribute;
    }

    private double? Metadata(string key) =>
        _model.MetadataProps.FirstOrDefault(p => p.Key == key) is { } entry && double.TryParse(entry.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    private T Wrap<T>(Func<T> body, string where)
    {
        try
        {
            return body();
        }
        catch (OnnxGraphError e)
        {
            throw UserError.In(_path, $"{where}: {e.Message}");
        }
    }

    private void Wrap(Action body, string where) => Wrap(() => { body(); return 0; }, where);

    /// <summary>An initializer annotated with an integer finn_datatype keeps its values as integer levels (scale 1).</summary>
    private ConstTensor Annotated(string name, ConstTensor tensor)
    {
        if (!_annotations.TryGetValue(name, out var typeName) || FinnDataType.Parse(typeName, QuantLinear.MaxWeightBits) is not { } type) return tensor;
        foreach (var v in tensor.Data)
        {
            if (!type.Holds(v)) throw new OnnxGraphError($"it is annotated {typeName} but holds {v}");
        }
        return new ConstTensor(tensor.Shape, tensor.Data) { Levels = new QuantizedLevels(tensor.Data, Enumerable.Repeat(1.0, tensor.Length).ToArray()) };
    }

    private void Visit(OnnxNode node)
    {
        CheckSupported(node);
        if (node.OpType == "Constant")
        {
            _values[node.Outputs[0]] = ConstantValue(node);
            return;
        }
        var inputs = node.Inputs.Select(name => name.Length == 0 ? null : _values.TryGetValue(name, out var v)
            ? v
            : throw new OnnxGraphError($"its input '{name}' is computed by no earlier node, initializer or graph input")).ToArray();
        if (inputs.Any(v => v is ClassIndex)) throw new OnnxGraphError("it computes on the class index of an ArgMax or TopK; the class must be the graph's output");
        if (inputs.Any(v => v is Activation))
        {
            OnnxLayerNodes.Visit(node, inputs, _chain, _values, ref _classOutput, ExactEpsilon);
            return;
        }
        var consts = inputs.Select(v => (ConstTensor?)v).ToArray();
        var outputs = ConstantFolding.Fold(node, consts);
        for (int i = 0; i < outputs.Length && i < node.Outputs.Count; i++) _values[node.Outputs[i]] = outputs[i];
    }

    private static void CheckSupported(OnnxNode node)
    {
        bool standard = node.Domain is "" or StandardDomain;
        bool known = standard ? StandardOps.Contains(node.OpType) : CustomDomains.Contains(node.Domain) && CustomOps.Contains(node.OpType);
        if (known) return;
        string domain = node.Domain.Length == 0 ? StandardDomain : node.Domain;
        throw new OnnxGraphError($"op {node.OpType} (domain {domain}) is not supported. Supported: {string.Join(", ", StandardOps)} (ONNX); " +
            $"{string.Join(", ", CustomOps)} (domains {string.Join(", ", CustomDomains)})");
    }

    private ConstTensor ConstantValue(OnnxNode node)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        if (node.Tensor("value") is { } tensor) return TensorProtoReader.Read(tensor, folder);
        if (node.Has("value_float")) return ConstTensor.Scalar(node.Float("value_float", 0));
        if (node.Has("value_int")) return ConstTensor.Scalar(node.Int("value_int", 0), integral: true);
        if (node.Ints("value_ints") is { } ints) return ConstTensor.Vector(ints);
        if (node.Proto.Attribute.FirstOrDefault(a => a.Name == "value_floats") is { } floats)
            return new ConstTensor([floats.Floats.Count], floats.Floats.Select(f => (double)f).ToArray());
        throw new OnnxGraphError($"it has no value HwFlow reads (attributes: {string.Join(", ", node.AttributeNames)})");
    }
}

/// <summary>How an ONNX file becomes a model: the input's scale, the model's name, class or scores output.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>real input = raw byte * scale; null takes the file's hwflow.input.scale metadata, 1 for a uint8 input, else 1/255 (pixels in [0, 1]).</summary>
    public double? InputScale { get; init; }

    public string? Name { get; init; }

    public OutputKind? Output { get; init; }
}
