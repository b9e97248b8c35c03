using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// The nodes that compute on the activations, each turned into a layer of the chain (or a new
/// shape of its head): matrix products, BatchNorm, quantizers, activations, elementwise
/// constants, reshapes, and the ArgMax / TopK that makes the output a class.
/// </summary>
internal static class OnnxLayerNodes
{
    public static void Visit(OnnxNode node, object?[] inputs, LayerChain chain, Dictionary<string, object> values, ref bool classOutput, Func<OnnxNode, double> epsilon)
    {
        var x = Head(node, inputs[0], chain);
        Activation Output(int[] shape)
        {
            var activation = new Activation(shape);
            values[node.Outputs[0]] = activation;
            return activation;
        }
        ConstTensor Const(int index, string what) => index < inputs.Length && inputs[index] is ConstTensor t
            ? t
            : throw new OnnxGraphError(index < inputs.Length && inputs[index] is Activation a ? NotConstant(what, a) : $"its {what} (input {index}) is missing");
        ConstTensor?[] Consts() => inputs.Select((v, i) => i == 0 ? null : v is null ? null : Const(i, $"input {i}")).ToArray();

        switch (node.OpType)
        {
            case "Identity" or "Dropout":
                values[node.Outputs[0]] = x;
                return;
            case "Cast":
                if (node.Int("to", 1) is not (1 or 11)) throw new OnnxGraphError("it casts the activations to an integer type; HwFlow computes on real values");
                values[node.Outputs[0]] = x;
                return;
            case "Shape":
                values[node.Outputs[0]] = ConstantFolding.ShapeOf(x.Shape, node);
                return;
            case "Reshape":
                chain.Reshape(Output(KeepBatch(node, Shapes.Reshape(x.Shape, Const(1, "target shape").Longs()))));
                return;
            case "Flatten":
                chain.Reshape(Output(KeepBatch(node, Shapes.Flatten(x.Shape, (int)node.Int("axis", 1)))));
                return;
            case "Squeeze" or "Unsqueeze":
            {
                var axes = ConstantFolding.Axes(node, Consts());
                var shape = node.OpType == "Squeeze" ? Shapes.Squeeze(x.Shape, axes) : Shapes.Unsqueeze(x.Shape, axes);
                chain.Reshape(Output(KeepBatch(node, shape)));
                return;
            }
            case "Transpose":
            {
                var perm = Shapes.Permutation(x.Shape.Length, node.Ints("perm"));
                var moved = perm.Where(p => x.Shape[p] != 1).ToArray();
                if (perm[0] != 0 || !moved.SequenceEqual(moved.Order()))
                    throw new OnnxGraphError($"it transposes the activations ({Shapes.Text(x.Shape)} by [{string.Join(", ", perm)}]), which reorders features; HwFlow keeps features in order (transpose the weights instead)");
                chain.Reshape(Output(perm.Select(p => x.Shape[p]).ToArray()));
                return;
            }
            case "Add" or "Sub" or "Mul" or "Div":
                Elementwise(node, inputs, x, chain, Output(x.Shape));
                return;
            case "Pow":
                if (!Const(1, "exponent").Data.All(e => e == 1)) throw new OnnxGraphError("it raises the activations to a power other than 1");
                values[node.Outputs[0]] = x;
                return;
            case "MatMul":
            {
                if (inputs[0] is not Activation) throw new OnnxGraphError("its activations are the second operand; HwFlow needs x * W with constant weights W");
                var weights = Const(1, "weights");
                chain.Add(Linear(node, x, weights, 1), Output([1, weights.Shape[^1]]));
                return;
            }
            case "Gemm":
                Gemm(node, x, Const(1, "weights"), inputs.Length > 2 && inputs[2] is not null ? Const(2, "bias") : null, chain, Output);
                return;
            case "BatchNormalization":
                chain.Add(BatchNorm(node, x, Const(1, "scale"), Const(2, "bias"), Const(3, "mean"), Const(4, "variance"), epsilon(node)), Output(x.Shape));
                return;
            case "Quant" or "IntQuant" or "BipolarQuant" or "Trunc" or "MultiThreshold":
                chain.Add(QuantNodes.Layer(node, Consts(), x.Shape, batched: true), Output(x.Shape));
                return;
            case "Sign":
                // ONNX Sign is -1, 0, +1: two thresholds, at 0 and just above it
                chain.Add(new MultiThreshold(new Tensor([1, 2], [0f, float.Epsilon]), 1, -1), Output(x.Shape));
                return;
            case "Relu":
                chain.Add(new Ramp(), Output(x.Shape));
                return;
            case "Sigmoid":
                chain.Add(new Sigmoid(), Output(x.Shape));
                return;
            case "Clip":
            {
                var (min, max) = ConstantFolding.ClipBounds(node, Consts());
                Layer clip = (min, max) switch
                {
                    (-1, 1) => new HardTanh(),
                    (0, double.PositiveInfinity) => new Ramp(),
                    _ => new Clip(min, max),
                };
                chain.Add(clip, Output(x.Shape));
                return;
            }
            case "ArgMax" or "TopK":
                ClassOf(node, x, Consts());
                classOutput = true;
                foreach (var output in node.Outputs) values[output] = new ClassIndex();
                return;
            default:
                throw new OnnxGraphError("HwFlow cannot apply this op to the activations (only to constants)");
        }
    }

    /// <summary>The activation a node reads, which must be the end of the chain.</summary>
    private static Activation Head(OnnxNode node, object? first, LayerChain chain)
    {
        var x = first as Activation ?? throw new OnnxGraphError("its first input is a constant and a later one the activations; HwFlow needs the activations first");
        if (x.ExtraInput is { } name)
            throw new OnnxGraphError($"it reads the graph input '{name}', which has no initializer; HwFlow models have one input, and weights must be constants");
        if (!ReferenceEquals(x, chain.Head))
            throw new OnnxGraphError("it reads an activation that a later layer has already consumed; HwFlow models are one chain of layers (no branches or skip connections)");
        return x;
    }

    private static string NotConstant(string what, Activation a) => a.ExtraInput is { } name
        ? $"its {what} are not constants: they come from the graph input '{name}', which has no initializer"
        : $"its {what} are not constants: they are computed from the input at run time";

    private static int[] KeepBatch(OnnxNode node, int[] shape) =>
        shape.Length >= 2 && shape[0] == 1
            ? shape
            : throw new OnnxGraphError($"it makes the activations {Shapes.Text(shape)}; HwFlow needs the batch dimension first ([1, features...])");

    private static void Elementwise(OnnxNode node, object?[] inputs, Activation x, LayerChain chain, Activation output)
    {
        if (inputs[1] is not ConstTensor c) throw new OnnxGraphError("it combines two activations; HwFlow applies elementwise ops with constants only");
        var v = QuantNodes.Spread(c, x.Shape, batched: true, "constant");
        double[] one = [1], zero = [0];
        switch (node.OpType)
        {
            case "Add": chain.Affine(one, v, output); break;
            case "Sub": chain.Affine(one, Array.ConvertAll(v, t => -t), output); break;
            case "Mul": chain.Affine(v, zero, output); break;
            default:
                if (v.Any(t => t == 0)) throw new OnnxGraphError("it divides by zero");
                chain.Affine(Array.ConvertAll(v, t => 1 / t), zero, output);
                break;
        }
    }

    /// <summary>A LinearLayer, or a QuantLinear when the weights are integer levels with one scale per output (or one for all).</summary>
    private static Layer Linear(OnnxNode node, Activation x, ConstTensor weights, double alpha)
    {
        if (x.Shape.Length != 2) throw new OnnxGraphError($"it multiplies activations of shape {Shapes.Text(x.Shape)}; HwFlow needs [1, features] (flatten first)");
        if (weights.Rank != 2 || weights.Shape[0] != x.Shape[1])
            throw new OnnxGraphError($"its weights have shape {weights.ShapeText}, but the activations have {x.Shape[1]} features");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        if (weights.Levels is { } q && PerOutputScale(q.Scale, inputs, outputs) is { } scale)
        {
            var levels = Array.ConvertAll(q.Levels, v => (float)v);
            if (levels.Any(v => v < -128 || v > 255)) throw new OnnxGraphError("its weights have integer levels outside -128..255 (more than 8 bits)");
            return new QuantLinear(new Tensor([inputs, outputs], levels), Scale(Array.ConvertAll(scale, s => s * alpha)));
        }
        return new LinearLayer(new Tensor([inputs, outputs], Array.ConvertAll(weights.Data, w => (float)(w * alpha))));
    }

    /// <summary>One scale per output column, or null when the scale varies along the inputs.</summary>
    private static double[]? PerOutputScale(double[] scale, int inputs, int outputs)
    {
        var perOutput = scale[..outputs];
        for (int i = 1; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                if (scale[(i * outputs) + j] != perOutput[j]) return null;
            }
        }
        return perOutput;
    }

    private static FeatureValues Scale(double[] values) =>
        values.All(v => v == values[0]) ? FeatureValues.Scalar(values[0]) : new FeatureValues(Array.ConvertAll(values, v => (float)v));

    /// <summary>Gemm: alpha * x * W + beta * C, W = B or its transpose.</summary>
    private static void Gemm(OnnxNode node, Activation x, ConstTensor b, ConstTensor? c, LayerChain chain, Func<int[], Activation> output)
    {
        if (node.Int("transA", 0) != 0) throw new OnnxGraphError("it transposes the activations (transA = 1)");
        var weights = node.Int("transB", 0) != 0 ? b.Transposed([1, 0]) : b;
        var layer = Linear(node, x, weights, node.Float("alpha", 1));
        var result = output([1, weights.Shape[^1]]);
        chain.Add(layer, result);
        if (c is null) return;
        double beta = node.Float("beta", 1);
        var bias = QuantNodes.Spread(c, result.Shape, batched: true, "bias");
        chain.Affine([1], Array.ConvertAll(bias, v => beta * v), result);
    }

    /// <summary>ONNX BatchNormalization over channels (axis 1), laid out per feature; a zero epsilon becomes an Affine layer.</summary>
    private static Layer BatchNorm(OnnxNode node, Activation x, ConstTensor gamma, ConstTensor beta, ConstTensor mean, ConstTensor variance, double eps)
    {
        if (node.Int("training_mode", 0) != 0) throw new OnnxGraphError("it is in training mode; export the model in eval mode");
        int channels = x.Shape.Length > 1 ? x.Shape[1] : 1;
        int inner = (int)ConstTensor.Count(x.Shape.Length > 2 ? x.Shape[2..] : []);
        float[] PerFeature(ConstTensor t, string what)
        {
            if (t.Length != channels) throw new OnnxGraphError($"its {what} has {t.Length} values for {channels} channels");
            return Enumerable.Range(0, x.Features).Select(f => (float)t.Data[f / inner % channels]).ToArray();
        }
        var (g, b, m, v) = (PerFeature(gamma, "scale"), PerFeature(beta, "bias"), PerFeature(mean, "mean"), PerFeature(variance, "variance"));
        if (v.Any(value => value < 0)) throw new OnnxGraphError($"its variance holds {v.Min()}, below 0");
        if (eps > 0)
            return new BatchNorm(new Tensor([x.Features], m), new Tensor([x.Features], v), new Tensor([x.Features], g), new Tensor([x.Features], b), eps);
        var a = g.Select((gj, j) => (float)(gj / Math.Sqrt(v[j]))).ToArray();
        return new Affine(new FeatureValues(a), new FeatureValues(b.Select((bj, j) => (float)(bj - (m[j] * a[j]))).ToArray()));
    }

    /// <summary>ArgMax or TopK with k = 1 over the features: the model's output becomes the class.</summary>
    private static void ClassOf(OnnxNode node, Activation x, ConstTensor?[] inputs)
    {
        long axis = node.Int("axis", node.OpType == "TopK" ? -1 : 0);
        if (axis < 0) axis += x.Shape.Length;
        if (x.Shape.Length != 2 || axis != 1) throw new OnnxGraphError($"it takes the maximum over axis {axis} of {Shapes.Text(x.Shape)}; HwFlow's class is the argmax over the features of [1, classes]");
        if (node.OpType == "TopK")
        {
            var k = inputs.Length > 1 && inputs[1] is { } kt ? kt.Single("K") : node.Int("k", 1);
            if (k != 1 || node.Int("largest", 1) != 1) throw new OnnxGraphError("only TopK with K = 1 and largest = 1 (the class) is supported");
        }
        else if (node.Int("select_last_index", 0) != 0)
        {
            throw new OnnxGraphError("select_last_index = 1 picks the last maximum; HwFlow's class is the first");
        }
    }
}
