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
    private readonly FloatLayer[] _layers;
    private readonly long _widest;

    public FloatEvaluator(ModelSpec model)
    {
        _model = model;
        var nonNegativeInput = model.NonNegativeInputs();
        var shapes = model.Shapes();
        _widest = model.FeatureCounts().Max();
        _layers = new FloatLayer[model.Layers.Count];
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            int chunk = model.ChunkLength(layer);
            bool unipolar = nonNegativeInput[i];
            // a convolution's im2col matrix is wider than any layer's output
            if (layer is ConvolutionLayer c) _widest = Math.Max(_widest, (long)c.Geometry(shapes[i]).Positions * c.Patch);
            _layers[i] = layer switch
            {
                LinearLayer linear => FloatLayer.Linear(DenseProduct.Transpose(linear.Weights), linear.Outputs,
                    linear.Bias is { } bias ? Array.ConvertAll(bias.Data, v => (double)v) : null),
                BinLayer bin => FloatLayer.Bin(new HbDot(bin.Weights, chunk, model.Scales), unipolar),
                BinarizeLayer => FloatLayer.Binarize(chunk, unipolar, model.Scales),
                BatchNorm norm => FloatLayer.BatchNorm(BatchNormParameters.Of(norm)),
                Ramp => FloatLayer.Ramp,
                Sigmoid => FloatLayer.Sigmoid,
                Sign => FloatLayer.Sign(unipolar),
                HardTanh => FloatLayer.HardTanh,
                Conv2D conv => FloatLayer.Convolution(conv, shapes[i]),
                BinConv2D conv => FloatLayer.BinaryConvolution(conv, shapes[i], chunk, unipolar, model.Scales),
                MaxPool2D pool => FloatLayer.MaxPool(pool.Geometry(shapes[i])),
                Flatten => FloatLayer.Identity,
                WalshHadamard transform => FloatLayer.WalshHadamard(WalshHadamardRowsOf(transform)),
                _ => FloatLayer.Quantized(layer) ?? throw new NotSupportedException($"layer type {layer.Type}"),
            };
        }
    }

    public ModelSpec Model => _model;

    private static WalshHadamardRows WalshHadamardRowsOf(WalshHadamard layer) =>
        new(layer.Size, Doubles(layer.Signs)!, layer.Shift, Doubles(layer.Scale), Doubles(layer.Bias));

    private static double[]? Doubles(Tensors.Tensor? tensor) => tensor is null ? null : Array.ConvertAll(tensor.Data, v => (double)v);

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
        int features = _model.Input.Features;
        int last = _model.Layers[^1] is Sigmoid ? _model.Layers.Count - 1 : _model.Layers.Count;
        var classes = new int[count];
        // In batches: a convolutional model's activations are far larger than its input.
        int batch = Batch.Rows(_widest);
        for (int start = 0; start < count; start += batch)
        {
            int rows = Math.Min(batch, count - start);
            var x = Matrix.FromBytes(raw.Slice(start * features, rows * features), rows, features, _model.Input.Scale);
            for (int i = 0; i < last; i++) x = EvaluateLayer(i, x);
            x.ArgMaxPerRow().CopyTo(classes, start);
        }
        return classes;
    }

    /// <summary>layerEval[x, layer].</summary>
    public Matrix EvaluateLayer(int index, Matrix x) => _layers[index].Apply(x);
}
