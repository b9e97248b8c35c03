using System.Buffers.Binary;
using System.Text;
using Onnx;

namespace HwFlow.Tests.Onnx;

/// <summary>
/// A float64 ONNX interpreter for the ops HwFlow imports, written from the ONNX operator docs,
/// QONNX's docs/qonnx-custom-ops and FINN's MultiThreshold, with true batch semantics (Shape
/// sees the batch). It also records, per sample, how close every quantizer came to a decision
/// boundary (<see cref="Margins"/>), so a disagreement can be told apart from a rounding tie.
/// </summary>
public sealed class OnnxReference
{
    private readonly ModelProto _model;
    private bool _recording;

    public OnnxReference(ModelProto model) => _model = model;

    public OnnxReference(string path) : this(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path))) { }

    /// <summary>Per sample: the smallest relative distance of a quantizer input to a decision boundary.</summary>
    public double[] Margins { get; private set; } = [];

    /// <summary>Runs the graph on <paramref name="input"/> (batch first) and returns its first output.</summary>
    public RefTensor Run(RefTensor input)
    {
        var graph = _model.Graph;
        var values = new Dictionary<string, RefTensor>();
        foreach (var t in graph.Initializer) values[t.Name] = Decode(t);
        var inputName = graph.Input.First(i => !values.ContainsKey(i.Name)).Name;
        values[inputName] = input;
        Margins = Enumerable.Repeat(double.PositiveInfinity, input.Shape[0]).ToArray();
        var fromInput = new HashSet<string> { inputName };
        foreach (var node in graph.Node)
        {
            var ins = node.Input.Select(n => n.Length == 0 ? null : values[n]).ToArray();
            // margins are of the samples: only values computed from the input count, not quantized weights
            _recording = node.Input.Any(fromInput.Contains);
            if (_recording) fromInput.UnionWith(node.Output);
            var outs = Execute(node, ins);
            for (int i = 0; i < outs.Length && i < node.Output.Count; i++) values[node.Output[i]] = outs[i];
        }
        return values[graph.Output[0].Name];
    }

    private RefTensor[] Execute(NodeProto node, RefTensor?[] x)
    {
        RefTensor In(int i) => x[i]!;
        switch (node.OpType)
        {
            case "Identity" or "Dropout" or "Cast": return [In(0)];
            case "Constant": return [Decode(Attr(node, "value")!.T)];
            case "Shape": return [new RefTensor([In(0).Rank], In(0).Shape.Select(d => (double)d).ToArray())];
            case "Gather": return [Gather(In(0), In(1), (int)Int(node, "axis", 0))];
            case "Unsqueeze":
            {
                var axes = Ints(node, "axes") ?? In(1).Data.Select(v => (long)v).ToArray();
                var shape = In(0).Shape.ToList();
                foreach (var a in axes.Select(a => a < 0 ? a + shape.Count + axes.Length : a).Order()) shape.Insert((int)a, 1);
                return [In(0).With([.. shape])];
            }
            case "Squeeze":
            {
                var axes = Ints(node, "axes") ?? (x.Length > 1 ? In(1).Data.Select(v => (long)v).ToArray() : null);
                var keep = In(0).Shape.Where((d, i) => axes is null ? d != 1 : !axes.Contains(i) && !axes.Contains(i - In(0).Rank)).ToArray();
                return [In(0).With(keep)];
            }
            case "Concat":
            {
                if (x.Any(t => t!.Rank != 1)) throw new NotSupportedException("the reference concatenates vectors only");
                return [new RefTensor([x.Sum(t => t!.Data.Length)], x.SelectMany(t => t!.Data).ToArray())];
            }
            case "Reshape": return [In(0).With(ReshapeTo(In(0), In(1)))];
            case "Flatten":
            {
                int axis = (int)Int(node, "axis", 1);
                int outer = In(0).Shape[..axis].Aggregate(1, (p, d) => p * d);
                return [In(0).With([outer, In(0).Data.Length / outer])];
            }
            case "Transpose": return [In(0).Transpose(Ints(node, "perm")?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, In(0).Rank).Reverse().ToArray())];
            case "Add": return [RefTensor.Zip(In(0), In(1), (a, b) => a + b)];
            case "Sub": return [RefTensor.Zip(In(0), In(1), (a, b) => a - b)];
            case "Mul": return [RefTensor.Zip(In(0), In(1), (a, b) => a * b)];
            case "Div": return [RefTensor.Zip(In(0), In(1), (a, b) => a / b)];
            case "Pow": return [RefTensor.Zip(In(0), In(1), Math.Pow)];
            case "MatMul": return [RefTensor.MatMul(In(0), In(1))];
            case "Gemm": return [Gemm(node, In(0), In(1), x.Length > 2 ? x[2] : null)];
            case "BatchNormalization": return [BatchNormalization(node, x)];
            case "Relu": return [In(0).Map(v => Math.Max(v, 0))];
            case "Sigmoid": return [In(0).Map(v => 1 / (1 + Math.Exp(-v)))];
            case "Sign":
                Record(In(0).Data.Length, i => Math.Abs(In(0).Data[i]) / (1 + Math.Abs(In(0).Data[i])));
                return [In(0).Map(v => v > 0 ? 1 : v < 0 ? -1 : 0)];
            case "Clip":
            {
                double lo = x.Length > 1 && x[1] is { } l ? l.Data[0] : Float(node, "min", double.NegativeInfinity);
                double hi = x.Length > 2 && x[2] is { } h ? h.Data[0] : Float(node, "max", double.PositiveInfinity);
                return [In(0).Map(v => Math.Min(Math.Max(v, lo), hi))];
            }
            case "ArgMax" or "TopK": return ClassOf(node, In(0));
            case "Quant" or "IntQuant": return [QonnxOps.Quant(In(0), In(1), In(2), In(3), Int(node, "signed", 1) != 0, Int(node, "narrow", 0) != 0, Text(node, "rounding_mode", "ROUND"), Record)];
            case "BipolarQuant":
                Record(In(0).Data.Length, i => Math.Abs(In(0).Data[i]) / (1 + Math.Abs(In(0).Data[i])));
                return [QonnxOps.BipolarQuant(In(0), In(1))];
            case "Trunc": return [QonnxOps.Trunc(x, Int(node, "signed", 1) != 0, Int(node, "narrow", 0) != 0, Text(node, "rounding_mode", "FLOOR"))];
            case "MultiThreshold": return [QonnxOps.MultiThreshold(In(0), In(1), Float(node, "out_scale", 1), Float(node, "out_bias", 0), Text(node, "data_layout", "NCHW"), Record)];
            default: throw new NotSupportedException($"the reference interpreter has no {node.OpType}");
        }
    }

    /// <summary>Notes, per sample, the smallest relative distance of an element to its nearest decision boundary.</summary>
    private void Record(int count, Func<int, double> relativeDistance)
    {
        int perSample = count / Margins.Length;
        if (!_recording || perSample == 0) return;
        for (int i = 0; i < count; i++)
        {
            double d = relativeDistance(i);
            int row = i / perSample;
            if (d < Margins[row]) Margins[row] = d;
        }
    }

    private RefTensor[] ClassOf(NodeProto node, RefTensor scores)
    {
        int rows = scores.Shape[0], classes = scores.Shape[1];
        var index = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = scores.Data.AsSpan(r * classes, classes);
            int best = 0;
            for (int j = 1; j < classes; j++)
            {
                if (row[j] > row[best]) best = j;
            }
            index[r] = best;
        }
        var result = new RefTensor([rows, 1], index);
        return node.OpType == "TopK" ? [result, result] : [result];
    }

    private static RefTensor Gather(RefTensor data, RefTensor indices, int axis)
    {
        if (data.Rank != 1 || axis != 0) throw new NotSupportedException("the reference gathers from vectors only");
        var picked = indices.Data.Select(i => data.Data[(int)(i < 0 ? i + data.Data.Length : i)]).ToArray();
        return new RefTensor(indices.Shape, picked);
    }

    private static int[] ReshapeTo(RefTensor x, RefTensor target)
    {
        var shape = target.Data.Select((d, i) => d == 0 ? x.Shape[i] : (int)d).ToArray();
        int known = shape.Where(d => d > 0).Aggregate(1, (p, d) => p * d);
        return shape.Select(d => d == -1 ? x.Data.Length / known : d).ToArray();
    }

    private static RefTensor Gemm(NodeProto node, RefTensor a, RefTensor b, RefTensor? c)
    {
        if (Int(node, "transA", 0) != 0) a = a.Transpose([1, 0]);
        if (Int(node, "transB", 0) != 0) b = b.Transpose([1, 0]);
        double alpha = Float(node, "alpha", 1), beta = Float(node, "beta", 1);
        var y = RefTensor.MatMul(a, b).Map(v => alpha * v);
        return c is null ? y : RefTensor.Zip(y, c.Map(v => beta * v), (p, q) => p + q);
    }

    /// <summary>Y = (X - mean) / sqrt(var + epsilon) * scale + B, per channel (axis 1).</summary>
    private static RefTensor BatchNormalization(NodeProto node, RefTensor?[] x)
    {
        var input = x[0]!;
        double eps = Float(node, "epsilon", 1e-5);
        int channels = input.Shape[1];
        int inner = input.Shape.Skip(2).Aggregate(1, (p, d) => p * d);
        var data = new double[input.Data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            int c = i / inner % channels;
            data[i] = ((input.Data[i] - x[3]!.Data[c]) / Math.Sqrt(x[4]!.Data[c] + eps) * x[1]!.Data[c]) + x[2]!.Data[c];
        }
        return new RefTensor(input.Shape, data);
    }

    private static AttributeProto? Attr(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    private static long Int(NodeProto node, string name, long fallback) => Attr(node, name)?.I ?? fallback;

    private static double Float(NodeProto node, string name, double fallback) => Attr(node, name) is { } a ? a.F : fallback;

    private static long[]? Ints(NodeProto node, string name) => Attr(node, name)?.Ints.ToArray();

    private static string Text(NodeProto node, string name, string fallback) =>
        Attr(node, name) is { } a ? Encoding.UTF8.GetString(a.S.Span) : fallback;

    /// <summary>raw_data or the typed fields, for the element types the test models use.</summary>
    public static RefTensor Decode(TensorProto t)
    {
        var shape = t.Dims.Select(d => (int)d).ToArray();
        var type = (TensorProto.Types.DataType)t.DataType;
        double[] data;
        if (t.RawData.Length > 0)
        {
            var raw = t.RawData.Span;
            data = type switch
            {
                TensorProto.Types.DataType.Float => Enumerable.Range(0, raw.Length / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(t.RawData.Span[(i * 4)..])).ToArray(),
                TensorProto.Types.DataType.Double => Enumerable.Range(0, raw.Length / 8).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(t.RawData.Span[(i * 8)..])).ToArray(),
                TensorProto.Types.DataType.Int64 => Enumerable.Range(0, raw.Length / 8).Select(i => (double)BinaryPrimitives.ReadInt64LittleEndian(t.RawData.Span[(i * 8)..])).ToArray(),
                TensorProto.Types.DataType.Int32 => Enumerable.Range(0, raw.Length / 4).Select(i => (double)BinaryPrimitives.ReadInt32LittleEndian(t.RawData.Span[(i * 4)..])).ToArray(),
                _ => throw new NotSupportedException($"the reference reads no raw {type}"),
            };
        }
        else
        {
            data = type switch
            {
                TensorProto.Types.DataType.Float => t.FloatData.Select(v => (double)v).ToArray(),
                TensorProto.Types.DataType.Double => [.. t.DoubleData],
                TensorProto.Types.DataType.Int64 => t.Int64Data.Select(v => (double)v).ToArray(),
                _ => t.Int32Data.Select(v => (double)v).ToArray(),
            };
        }
        return new RefTensor(shape, data);
    }
}
