using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Training;

/// <summary>
/// A WalshHadamard layer in training: y = g * (2^-shift H (D pad(x))) with D seeded signs and g an
/// optional learned diagonal (<see cref="TransformDiagonal"/>). H is symmetric and linear, so the
/// gradient of the transform is the transform: dx = D 2^-shift H (g dy), cut to the inputs;
/// dg = sum over the batch of dy * (the transform's output). A quantized g (sign or pow2) takes
/// the straight-through gradient, as binarized weights do. The transform runs in float32 in
/// place (<see cref="FastWalshHadamard"/>), in the reference's stage order; rows run one after
/// another on one thread, so results do not depend on threading.
/// </summary>
public sealed class WalshHadamardTrainLayer : ITrainLayer
{
    private readonly float[] _signs;
    private readonly ulong _seed;
    private readonly int _shift;
    private readonly float _normalization;
    private readonly TransformDiagonal _diagonal;
    private readonly Parameter? _scale;
    private float[]? _effectiveScale;
    private float[]? _output;
    private float[]? _transformed;
    private float[]? _inputGradient;
    private float[]? _scratch;

    public WalshHadamardTrainLayer(int inputs, int size, ulong seed, int shift, TransformDiagonal diagonal)
    {
        if (!WalshHadamardTransform.IsPowerOfTwo(size) || size < inputs)
            throw new ArgumentException($"transform size {size} must be a power of two of at least {inputs}");
        Inputs = inputs;
        Outputs = size;
        _seed = seed;
        _signs = WalshHadamardTransform.SignsFromSeed(seed, size);
        _shift = shift;
        _normalization = MathF.ScaleB(1f, -shift);
        _diagonal = diagonal;
        if (diagonal != TransformDiagonal.None)
            _scale = new Parameter("scale", Enumerable.Repeat(1f, size).ToArray(), clipToUnit: diagonal == TransformDiagonal.Sign);
        Parameters = _scale is null ? [] : [_scale];
    }

    /// <summary>A pow2 diagonal stays within 2^-8 .. 2^8, so its hardware shifts stay within 16 bits of each other.</summary>
    public const double MinPow2 = 1.0 / 256, MaxPow2 = 256;

    public int Inputs { get; }
    public int Outputs { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    public float[] Forward(float[] input, int rows, bool training)
    {
        var y = Buffers.Ensure(ref _output, rows * Outputs);
        for (int r = 0; r < rows; r++)
        {
            var row = y.AsSpan(r * Outputs, Outputs);
            var x = input.AsSpan(r * Inputs, Inputs);
            for (int i = 0; i < Inputs; i++) row[i] = _signs[i] * x[i];
            row[Inputs..].Clear();
            FastWalshHadamard.Transform(row);
            for (int i = 0; i < Outputs; i++) row[i] *= _normalization;
        }
        var g = EffectiveScale();
        if (g is null) return y;
        if (training) y.AsSpan().CopyTo(Buffers.Ensure(ref _transformed, y.Length));
        for (int r = 0; r < rows; r++)
        {
            var row = y.AsSpan(r * Outputs, Outputs);
            for (int i = 0; i < Outputs; i++) row[i] *= g[i];
        }
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        var g = _effectiveScale;
        if (_scale is not null)
        {
            var h = _transformed ?? throw new InvalidOperationException("Backward before a training Forward");
            var dg = _scale.Gradient;
            for (int i = 0; i < Outputs; i++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += (double)outputGradient[(r * Outputs) + i] * h[(r * Outputs) + i];
                dg[i] += (float)sum;
            }
        }
        if (!needInputGradient) return null;
        var dx = Buffers.Ensure(ref _inputGradient, rows * Inputs);
        var scratch = Buffers.Ensure(ref _scratch, Outputs);
        for (int r = 0; r < rows; r++)
        {
            var dy = outputGradient.AsSpan(r * Outputs, Outputs);
            for (int i = 0; i < Outputs; i++) scratch[i] = g is null ? dy[i] : dy[i] * g[i];
            FastWalshHadamard.Transform(scratch);
            var target = dx.AsSpan(r * Inputs, Inputs);
            for (int i = 0; i < Inputs; i++) target[i] = scratch[i] * _normalization * _signs[i];
        }
        return dx;
    }

    public Layer Export()
    {
        var scale = EffectiveScale();
        return new WalshHadamard(Outputs, new Tensor([Outputs], (float[])_signs.Clone()), _seed, _shift,
            scale is null ? null : new Tensor([Outputs], (float[])scale.Clone()));
    }

    /// <summary>The diagonal the forward pass multiplies by: the latent g, its sign, or its nearest power of two.</summary>
    private float[]? EffectiveScale()
    {
        if (_scale is null) return null;
        var latent = _scale.Value;
        var g = Buffers.Ensure(ref _effectiveScale, latent.Length);
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = _diagonal switch
            {
                TransformDiagonal.Sign => latent[i] >= 0 ? 1f : -1f,
                TransformDiagonal.Pow2 => MathF.CopySign((float)Math.Clamp(Hadamard.RoundToPowerOfTwo(Math.Abs(latent[i])), MinPow2, MaxPow2), latent[i]),
                _ => latent[i],
            };
        }
        return g;
    }
}
