namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The fused Hadamard GEMM, the seed's "xHBNN": C[b, j] = hb(A)[b] . hb(W)[j] = sum over chunks
/// c of P[b, j, c] * activation scale[b, c] * weight scale[j, c], in float, without forming P.
/// </summary>
public static unsafe class HadamardGemm
{
    /// <param name="activations">Activation bits A[batch, in] (unipolar or bipolar per <paramref name="coding"/>).</param>
    /// <param name="activationScales">Scales [batch, chunks].</param>
    /// <param name="output">C as [batch, out].</param>
    public static void Multiply(BitMatrix activations, ReadOnlySpan<float> activationScales, HadamardWeights weights,
        ActivationCoding coding, Span<float> output, KernelOptions? options = null)
    {
        var packed = weights.Packed;
        BinaryGemm.CheckShapes(activations, packed);
        int chunks = packed.Chunks.Count;
        if (activationScales.Length != (long)activations.Rows * chunks)
            throw new ArgumentException($"{activationScales.Length} activation scales given, but {activations.Rows} rows x {chunks} chunks need {activations.Rows * chunks}");
        if (output.Length != (long)activations.Rows * packed.Outputs)
            throw new ArgumentException($"the output holds {output.Length} values, but {activations.Rows} x {packed.Outputs} are needed");
        options ??= KernelOptions.Default;
        if (HadamardPopcount.Fits(weights, KernelCpu.Resolve(options.Isa), coding))
        {
            fixed (float* result = output) HadamardPopcount.Run(activations, activationScales, weights, result, options);
            return;
        }
        var popCounts = BinaryGemm.ActivationPopCounts(activations, packed.Chunks, coding);
        fixed (int* pops = popCounts)
        fixed (float* scales = activationScales)
        fixed (float* target = output)
        {
            var sink = new HadamardSink(new SignedCounts(packed.Chunks, coding, pops), scales, weights.ScalesByChunk,
                weights.PaddedOutputs, chunks, target, packed.Outputs);
            PackedKernel.Run(activations, packed, coding, sink, options);
        }
    }
}
