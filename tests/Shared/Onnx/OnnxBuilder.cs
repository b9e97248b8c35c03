using Google.Protobuf;
using Onnx;

namespace HwFlow.Tests.Onnx;

/// <summary>Builds small ONNX models in code (through OnnxSharp's protobuf classes) for import, export and bad-input tests.</summary>
public sealed class OnnxBuilder
{
    public const string Qonnx = "qonnx.custom_op.general";
    public const string Brevitas = "onnx.brevitas";
    public const string Finn = "finn.custom_op.general";

    private readonly ModelProto _model;
    private int _counter;

    public OnnxBuilder(string name = "test", long opset = 11)
    {
        _model = new ModelProto { IrVersion = 7, ProducerName = "hwflow-tests", Graph = new GraphProto { Name = name } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var domain in new[] { Qonnx, Brevitas, Finn }) _model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = 1 });
    }

    public GraphProto Graph => _model.Graph;

    public ModelProto Model => _model;

    /// <summary>A float input; a dimension written as a string is symbolic.</summary>
    public string Input(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string param
                ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        }
        Graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        });
        return name;
    }

    public string Init(string name, int[] shape, IEnumerable<double> values, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float)
    {
        Graph.Initializer.Add(Tensor(name, shape, values, type));
        return name;
    }

    public string Scalar(double value, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float) =>
        Init($"c{_counter++}", [], [value], type);

    public string Vector(params double[] values) => Init($"v{_counter++}", [values.Length], values);

    public static TensorProto Tensor(string name, int[] shape, IEnumerable<double> values, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(shape.Select(d => (long)d));
        var data = values.ToArray();
        var bytes = type switch
        {
            TensorProto.Types.DataType.Float => data.SelectMany(v => BitConverter.GetBytes((float)v)).ToArray(),
            TensorProto.Types.DataType.Int64 => data.SelectMany(v => BitConverter.GetBytes((long)v)).ToArray(),
            TensorProto.Types.DataType.Double => data.SelectMany(BitConverter.GetBytes).ToArray(),
            _ => throw new NotSupportedException(type.ToString()),
        };
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    /// <summary>Adds a node and returns its (first) output; attributes are long, double, string, long[] or TensorProto.</summary>
    public string Node(string op, string[] inputs, string? domain = null, params (string Name, object Value)[] attributes) =>
        NodeWithOutputs(op, inputs, 1, domain, attributes)[0];

    public string[] NodeWithOutputs(string op, string[] inputs, int outputs, string? domain = null, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_counter++}", Domain = domain ?? "" };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => $"{node.Name}_out{i}").ToArray();
        node.Output.AddRange(names);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        Graph.Node.Add(node);
        return names;
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        long or int => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = Convert.ToInt64(value) },
        double or float => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = Convert.ToSingle(value) },
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        long[] ints => WithInts(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints }, ints),
        TensorProto t => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t },
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    private static AttributeProto WithInts(AttributeProto attribute, long[] ints)
    {
        attribute.Ints.AddRange(ints);
        return attribute;
    }

    public void Output(string name) => Graph.Output.Add(new ValueInfoProto { Name = name });

    /// <summary>A FINN quantization annotation: finn_datatype of a tensor.</summary>
    public void Annotate(string tensor, string dataType)
    {
        var annotation = new TensorAnnotation { TensorName = tensor };
        annotation.QuantParameterTensorNames.Add(new StringStringEntryProto { Key = "finn_datatype", Value = dataType });
        Graph.QuantizationAnnotation.Add(annotation);
    }

    public string Save(string path)
    {
        File.WriteAllBytes(path, _model.ToByteArray());
        return path;
    }

    // The standard QONNX patterns.

    public string Quant(string x, double scale, double zeroPoint, int bits, bool signed = true, bool narrow = false, string rounding = "ROUND", string domain = Qonnx) =>
        Node("Quant", [x, Scalar(scale), Scalar(zeroPoint), Scalar(bits)], domain, ("signed", signed ? 1L : 0L), ("narrow", narrow ? 1L : 0L), ("rounding_mode", rounding));

    public string BipolarQuant(string x, double scale = 1, string domain = Qonnx) => Node("BipolarQuant", [x, Scalar(scale)], domain);

    /// <summary>x * W with W [in, out] given as PyTorch stores it ([out, in]) and transposed in the graph.</summary>
    public string MatMulTransposed(string x, string weightsOutIn) => Node("MatMul", [x, Node("Transpose", [weightsOutIn], null, ("perm", new long[] { 1, 0 }))]);
}
