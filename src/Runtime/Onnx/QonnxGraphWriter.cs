using Google.Protobuf;
using HwFlow.Runtime.Tensors;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>Builds an ONNX graph node by node: float32 initializers, standard ops and QONNX's custom ops.</summary>
internal sealed class QonnxGraphWriter
{
    public const string QonnxDomain = "qonnx.custom_op.general";
    public const int Opset = 11;

    private int _counter;

    public QonnxGraphWriter(string name)
    {
        Model = new ModelProto { IrVersion = 7, ProducerName = "hwflow", ProducerVersion = "0.1.0", Graph = new GraphProto { Name = name } };
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = QonnxDomain, Version = 1 });
    }

    public ModelProto Model { get; }

    private GraphProto Graph => Model.Graph;

    public void Metadata(string key, string value) => Model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    public string Input(string name, int features)
    {
        Graph.Input.Add(Value(name, features));
        return name;
    }

    public void Output(string from, string name, int features)
    {
        Node("Identity", [from], name);
        Graph.Output.Add(Value(name, features));
    }

    public string Initializer(string hint, int[] shape, IReadOnlyList<double> values)
    {
        var name = $"{hint}_{_counter++}";
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape.Select(d => (long)d));
        var bytes = new byte[values.Count * 4];
        for (int i = 0; i < values.Count; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (float)values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Scalar(string hint, double value) => Initializer(hint, [], [value]);

    public string Tensor(string hint, Tensor tensor) => Initializer(hint, tensor.Shape, tensor.Data.Select(v => (double)v).ToArray());

    /// <summary>A per-feature parameter: a scalar, or a vector over the features of [1, n].</summary>
    public string Features(string hint, Model.FeatureValues values) =>
        values.IsScalar ? Scalar(hint, values[0]) : Initializer(hint, [values.Length], values.Values.Select(v => (double)v).ToArray());

    /// <summary>Adds a node; returns its output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, string domain = "", params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_counter++}", Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? node.Name + "_out");
        foreach (var (name, value) in attributes)
        {
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
                double f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)f },
                string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
                _ => throw new ArgumentException($"attribute {name}: {value.GetType().Name}"),
            });
        }
        Graph.Node.Add(node);
        return node.Output[0];
    }

    private static ValueInfoProto Value(string name, int features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
