using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// The float reference: the seed's layerEval / netEvaluate in double precision. Test mode returns
/// the output (Fold); Training mode returns the input and every layer's output (FoldList).
/// </summary>
public sealed class FloatEvaluator
{
    private readonly ModelSpec _model;
    private readonly bool[] _nonNegativeInput;
    private readonly double[]?[] _weights;
    private readonly HbDot?[] _hbDots;

    public FloatEvaluator(ModelSpec model)
    {
        _model = model;
        _nonNegativeInput = model.NonNegativeInputs();
        _weights = new double[]?[model.Layers.Count];
        _hbDots = new HbDot?[model.Layers.Count];
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is LinearLayer linear) _weights[i] = DenseProduct.Transpose(linear.Weights);
            if (model.Layers[i] is BinLayer bin) _hbDots[i] = new HbDot(bin.Weights, model.ChunkLength(bin), model.Scales);
        }
    }

    public ModelSpec Model => _model;

    /// <summary>netEvaluate[net, x, "Test"].</summary>
    public Matrix Evaluate(Matrix input)
    {
        var x = input;
        for (int i = 0; i < _model.Layers.Count; i++) x = EvaluateLayer(i, x);
        return x;
    }

    /// <summary>netEvaluate[net, x, "Training"]: the input followed by every layer's output.</summary>
    public IReadOnlyList<Matrix> EvaluateAll(Matrix input)
    {
        var all = new List<Matrix> { input };
        for (int i = 0; i < _model.Layers.Count; i++) all.Add(EvaluateLayer(i, all[^1]));
        return all;
    }

    /// <summary>
    /// Classes (argmax of the output) for raw input bytes, one row of Input.Features bytes per
    /// image. A final Sigmoid is strictly monotone, so the argmax is taken before it: in double
    /// precision sigmoid(x) rounds to exactly 1 for x above about 36.7, which would turn two
    /// large, different scores into a tie.
    /// </summary>
    public int[] Classify(ReadOnlySpan<byte> raw, int count)
    {
        var x = Matrix.FromBytes(raw, count, _model.Input.Features, _model.Input.Scale);
        int last = _model.Layers[^1] is Sigmoid ? _model.Layers.Count - 1 : _model.Layers.Count;
        for (int i = 0; i < last; i++) x = EvaluateLayer(i, x);
        return x.ArgMaxPerRow();
    }

    /// <summary>layerEval[x, layer].</summary>
    public Matrix EvaluateLayer(int index, Matrix x)
    {
        var layer = _model.Layers[index];
        int chunk = _model.ChunkLength(layer);
        bool unipolar = _nonNegativeInput[index];
        switch (layer)
        {
            case LinearLayer linear:
            {
                var y = DenseProduct.Multiply(x, _weights[index]!, linear.Outputs);
                if (linear.Bias is { } bias)
                {
                    for (int r = 0; r < y.Rows; r++)
                    {
                        var row = y.Row(r);
                        for (int j = 0; j < row.Length; j++) row[j] += bias.Data[j];
                    }
                }
                return y;
            }
            case BinLayer:
                return _hbDots[index]!.Evaluate(x, unipolar);
            case BinarizeLayer:
                return Binarize(x, chunk, unipolar, _model.Scales);
            case BatchNorm norm:
                return Map(x, (v, j) => BatchNormValue(norm, j, v));
            case Ramp:
                return Map(x, (v, _) => v > 0 ? v : 0);
            case Sigmoid:
                return Map(x, (v, _) => 1 / (1 + Math.Exp(-v)));
            case Sign:
                return Map(x, (v, _) => Hadamard.Sign(v, unipolar));
            case HardTanh:
                return Map(x, (v, _) => Math.Clamp(v, -1, 1));
            default:
                throw new NotSupportedException($"layer type {layer.Type}");
        }
    }

    /// <summary>gamma * (x - mean) / sqrt(var + eps) + beta for feature j, exactly as the reference computes it.</summary>
    public static double BatchNormValue(BatchNorm norm, int j, double x) =>
        (norm.Gamma.Data[j] * (x - norm.Mean.Data[j]) / Math.Sqrt(norm.Var.Data[j] + norm.Eps)) + norm.Beta.Data[j];

    private static Matrix Binarize(Matrix x, int chunk, bool unipolar, ScaleMode scales)
    {
        var y = new Matrix(x.Rows, x.Columns);
        for (int r = 0; r < x.Rows; r++) Hadamard.Binarize(x.Row(r), y.Row(r), chunk, unipolar, scales);
        return y;
    }

    private static Matrix Map(Matrix x, Func<double, int, double> f)
    {
        var y = new Matrix(x.Rows, x.Columns);
        for (int r = 0; r < x.Rows; r++)
        {
            var source = x.Row(r);
            var target = y.Row(r);
            for (int j = 0; j < source.Length; j++) target[j] = f(source[j], j);
        }
        return y;
    }
}
