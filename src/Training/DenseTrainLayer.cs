using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Training;

/// <summary>How a dense layer's latent float weights become the weights the forward pass uses.</summary>
public enum WeightBinarization
{
    /// <summary>The float weights themselves.</summary>
    None,

    /// <summary>s(w) = +1 if w &gt;= 0 else -1 (BNN); straight-through gradient where |w| &lt;= 1.</summary>
    Sign,

    /// <summary>hbW: Hadamard binarization of each output neuron's weight column, chunked along the inputs.</summary>
    Hadamard,
}

/// <summary>
/// A fully connected layer y = b(x) . b(W) (+ bias): the seed's LinearLayer (no binarization,
/// or sign weights for BNN) or BinLayer (Dot[hb(x, k), hb(W, k)], or sign weights on +-1 inputs
/// for BNN). The latent weights are kept transposed, [out, in], so that each output neuron's
/// weight column is a contiguous row for hbW and both GEMMs of the backward pass need no copy.
/// </summary>
public sealed class DenseTrainLayer : ITrainLayer
{
    private readonly Parameter _weights;
    private readonly Parameter? _bias;
    private readonly bool _binLayer;
    private readonly bool _hadamardInput;
    private readonly bool _unipolarInput;
    private readonly int _chunk;
    private readonly ScaleMode _scales;
    private float[]? _effectiveWeights;
    private float[]? _evaluatedLatent;
    private float[]? _forwardWeights;
    private float[]? _weightScales;
    private float[]? _binarizedInput;
    private float[]? _inputScales;
    private float[]? _output;
    private float[]? _inputGradient;
    private float[]? _weightGradient;
    private float[]? _binarizedInputGradient;
    private float[]? _input;
    private float[]? _forwardInput;
    private uint[]? _inputMasks;
    private PackedHbWeights? _packedWeights;
    private long _weightsVersion;
    private long _packedVersion = -1;

    /// <param name="binLayer">Export as BinLayer (else LinearLayer).</param>
    /// <param name="hadamardInput">Apply hb to the input (the seed's BinLayer in HBNN mode).</param>
    public DenseTrainLayer(int inputs, int outputs, WeightBinarization weights, bool bias, bool binLayer, bool hadamardInput,
        bool unipolarInput, int chunk, ScaleMode scales, SplitMix64 rng)
    {
        Inputs = inputs;
        Outputs = outputs;
        Binarization = weights;
        _binLayer = binLayer;
        _hadamardInput = hadamardInput;
        _unipolarInput = unipolarInput;
        _chunk = chunk;
        _scales = scales;
        // Glorot uniform; it stays inside [-1, 1], where the latent weights of binarized layers live.
        float limit = (float)Math.Sqrt(6.0 / (inputs + outputs));
        var w = new float[inputs * outputs];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(((2 * rng.NextDouble()) - 1) * limit);
        _weights = new Parameter("weights", w, clipToUnit: weights != WeightBinarization.None);
        if (bias) _bias = new Parameter("bias", new float[outputs], clipToUnit: false);
        Parameters = _bias is null ? [_weights] : [_weights, _bias];
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public WeightBinarization Binarization { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>hb as this layer applies it to its input, or null when it takes its input as it is.</summary>
    internal InputBinarization? InputHadamard => _hadamardInput ? new InputBinarization(_chunk, _unipolarInput, _scales) : null;

    /// <summary>
    /// Set by a convolution that applies <see cref="InputHadamard"/> itself (once per pixel instead
    /// of once per receptive field): Forward then takes binarized inputs and Backward returns the
    /// gradient with respect to them.
    /// </summary>
    internal bool InputBinarizedByCaller { get; set; }

    private bool BinarizesInput => _hadamardInput && !InputBinarizedByCaller;

    /// <summary>
    /// Whether the forward product of unipolar hb inputs and hb weights runs on their bits
    /// (<see cref="PackedHadamardProduct"/>; false only to compare with the GEMM).
    /// </summary>
    internal bool PackedForward { get; set; } = true;

    private bool Packs => PackedForward && BinarizesInput && _unipolarInput && Binarization == WeightBinarization.Hadamard
        && _chunk <= PackedHadamardProduct.LongestChunk;

    /// <summary>The latent weights as the model stores them, [in, out].</summary>
    public float[] LatentWeights() => RowMajor.Transpose<float>(_weights.Value, Outputs, Inputs);

    public float[] Forward(float[] input, int rows, bool training)
    {
        var weights = training ? EffectiveWeights() : EvaluationWeights();
        var x = input;
        if (BinarizesInput)
        {
            x = Buffers.Ensure(ref _binarizedInput, rows * Inputs);
            var scales = Buffers.Ensure(ref _inputScales, rows * HadamardRows.ChunksPerRow(Inputs, _chunk));
            HadamardRows.Forward(input, x, scales, rows, Inputs, _chunk, _unipolarInput, _scales);
        }
        var y = Buffers.Ensure(ref _output, rows * Outputs);
        if (Packs)
        {
            int chunks = HadamardRows.ChunksPerRow(Inputs, _chunk);
            var masks = _inputMasks is { Length: var n } && n == rows * chunks ? _inputMasks : _inputMasks = new uint[rows * chunks];
            PackedHadamardProduct.PackPositive(x, masks, rows, Inputs, _chunk);
            PackedHadamardProduct.Dense(masks, _inputScales!, rows, PackedWeightsOf(weights), _bias?.Value, y);
        }
        else
        {
            Gemm.Multiply(x, false, weights, true, y, rows, Outputs, Inputs);
            if (_bias is not null)
            {
                var b = _bias.Value;
                for (int r = 0; r < rows; r++) VectorLoops.Add(b, y.AsSpan(r * Outputs, Outputs));
            }
        }
        if (training)
        {
            _input = input;
            _forwardInput = x;
            _forwardWeights = weights;
        }
        return y;
    }

    /// <summary>
    /// Forward with the product computed by the caller (a convolution that reads its image
    /// directly): <paramref name="product"/>(effective weights, bias or null, y) must give what
    /// Forward's GEMM and bias would. Only for a layer that does not apply hb to its input itself. A <see cref="Backward"/>
    /// after it needs the input matrix first (<see cref="RememberInput"/>); <see cref="WeightGradientsBy"/> does not.
    /// </summary>
    internal float[] ForwardBy(Action<float[], float[]?, float[]> product, int rows, bool training)
    {
        if (BinarizesInput) throw new InvalidOperationException("ForwardBy takes no hb of the input");
        var weights = training ? EffectiveWeights() : EvaluationWeights();
        var y = Buffers.Ensure(ref _output, rows * Outputs);
        product(weights, _bias?.Value, y);
        if (training)
        {
            _input = _forwardInput = null;
            _forwardWeights = weights;
        }
        return y;
    }

    /// <summary>The input of the last <see cref="ForwardBy"/>, as the matrix <see cref="Backward"/> needs.</summary>
    internal void RememberInput(float[] input) => _input = _forwardInput = input;

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        var x = _forwardInput ?? throw new InvalidOperationException("Backward before a training Forward");
        // Not side by side on two threads: two concurrent OpenBLAS calls (0.3.21, pthreads, one
        // thread each) gave other bytes from run to run (TrainerTests.SameSeedSameBytes...).
        WeightGradients(outputGradient, x, rows);
        return needInputGradient ? InputGradient(outputGradient, rows) : null;
    }

    /// <summary>
    /// Backward without the input gradient, with the weight product computed by the caller:
    /// <paramref name="product"/>(dEffective, bias gradient or null) must overwrite dEffective
    /// ([out, in]) with dy^T x and add the bias gradient; the binarization's gradient follows here.
    /// </summary>
    internal void WeightGradientsBy(Action<float[], float[]?> product)
    {
        if (_forwardWeights is null) throw new InvalidOperationException("Backward before a training Forward");
        var dEffective = Buffers.Ensure(ref _weightGradient, Outputs * Inputs);
        product(dEffective, _bias?.Gradient);
        AccumulateWeightGradient(dEffective);
    }

    private void WeightGradients(float[] outputGradient, float[] x, int rows)
    {
        var dEffective = Buffers.Ensure(ref _weightGradient, Outputs * Inputs);
        Gemm.Multiply(outputGradient, true, x, false, dEffective, Outputs, Inputs, rows);
        AccumulateWeightGradient(dEffective);
        if (_bias is not null)
        {
            var db = _bias.Gradient;
            for (int r = 0; r < rows; r++) VectorLoops.Add(outputGradient.AsSpan(r * Outputs, Outputs), db);
        }
    }

    private float[] InputGradient(float[] outputGradient, int rows)
    {
        var dx = Buffers.Ensure(ref _inputGradient, rows * Inputs);
        if (!BinarizesInput)
        {
            Gemm.Multiply(outputGradient, false, _forwardWeights!, false, dx, rows, Inputs, Outputs);
            return dx;
        }
        var dBinarized = Buffers.Ensure(ref _binarizedInputGradient, rows * Inputs);
        Gemm.Multiply(outputGradient, false, _forwardWeights!, false, dBinarized, rows, Inputs, Outputs);
        HadamardRows.Backward(_input!, _inputScales!, dBinarized, dx, rows, Inputs, _chunk, _unipolarInput);
        return dx;
    }

    public Layer Export()
    {
        var stored = Binarization == WeightBinarization.Sign
            ? RowMajor.Transpose<float>(SignWeights(), Outputs, Inputs)
            : LatentWeights();
        var weights = new Tensor([Inputs, Outputs], stored);
        if (_binLayer) return new BinLayer(weights);
        return new LinearLayer(weights, _bias is null ? null : new Tensor([Outputs], (float[])_bias.Value.Clone()));
    }

    /// <summary>
    /// The effective weights for evaluation, which visits a dataset in many small chunks (37
    /// images at a time for fmnist-hbnn-cnn): hb of the weights runs again only when the latent
    /// weights differ from the ones it last ran on (comparing costs a tenth of hb).
    /// </summary>
    private float[] EvaluationWeights()
    {
        var latent = _weights.Value;
        if (Binarization == WeightBinarization.None) return latent;
        if (_evaluatedLatent is not null && _effectiveWeights is not null && latent.AsSpan().SequenceEqual(_evaluatedLatent)) return _effectiveWeights;
        var w = EffectiveWeights();
        _evaluatedLatent ??= new float[latent.Length];
        latent.CopyTo(_evaluatedLatent, 0);
        return w;
    }

    /// <summary>The effective weights as bits, packed again only after hb ran again (evaluation visits many chunks with one set of weights).</summary>
    private PackedHbWeights PackedWeightsOf(float[] effective)
    {
        _packedWeights ??= new PackedHbWeights(Outputs, Inputs, _chunk);
        if (_packedVersion != _weightsVersion)
        {
            _packedWeights.Pack(effective);
            _packedVersion = _weightsVersion;
        }
        return _packedWeights;
    }

    private float[] EffectiveWeights()
    {
        _evaluatedLatent = null;
        _weightsVersion++;
        var latent = _weights.Value;
        switch (Binarization)
        {
            case WeightBinarization.None:
                return latent;
            case WeightBinarization.Sign:
            {
                var w = Buffers.Ensure(ref _effectiveWeights, latent.Length);
                for (int i = 0; i < w.Length; i++) w[i] = latent[i] >= 0 ? 1f : -1f;
                return w;
            }
            default:
            {
                var w = Buffers.Ensure(ref _effectiveWeights, latent.Length);
                var scales = Buffers.Ensure(ref _weightScales, Outputs * HadamardRows.ChunksPerRow(Inputs, _chunk));
                HadamardRows.Forward(latent, w, scales, Outputs, Inputs, _chunk, unipolar: false, _scales);
                return w;
            }
        }
    }

    private void AccumulateWeightGradient(float[] dEffective)
    {
        var latent = _weights.Value;
        var grad = _weights.Gradient;
        switch (Binarization)
        {
            case WeightBinarization.None:
                Blocks.For(grad.Length, (start, end) => VectorLoops.Add(dEffective.AsSpan(start, end - start), grad.AsSpan(start, end - start)));
                break;
            case WeightBinarization.Sign:
                for (int i = 0; i < grad.Length; i++)
                {
                    if (Math.Abs(latent[i]) <= 1f) grad[i] += dEffective[i];
                }
                break;
            default:
                HadamardRows.Backward(latent, _weightScales!, dEffective, grad, Outputs, Inputs, _chunk, unipolar: false, accumulate: true);
                break;
        }
    }

    private float[] SignWeights() => Array.ConvertAll(_weights.Value, w => w >= 0 ? 1f : -1f);
}

/// <summary>The parameters of hb(x, chunk) on a layer's input.</summary>
internal sealed record InputBinarization(int Chunk, bool Unipolar, ScaleMode Scales);
