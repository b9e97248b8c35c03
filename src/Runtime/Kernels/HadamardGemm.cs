namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights ready for the fused Hadamard product: sign bits plus one scale per output and chunk
/// (the mean |w| over the chunk, or any scale the caller chose, e.g. a power of two).
/// </summary>
public sealed unsafe class HadamardWeights
{
    private readonly AlignedBuffer<float> _scalesByChunk;

    /// <param name="bits">Weight sign bits W[out, in].</param>
    /// <param name="chunkLength">The chunk length k of hb.</param>
    /// <param name="scales">Scales [out, chunks].</param>
    public HadamardWeights(BitMatrix bits, int chunkLength, ReadOnlySpan<float> scales)
    {
        Packed = new PackedWeights(bits, chunkLength);
        int chunks = Packed.Chunks.Count, outputs = Packed.Outputs;
        if (scales.Length != (long)outputs * chunks)
            throw new ArgumentException($"{scales.Length} weight scales given, but {outputs} outputs x {chunks} chunks need {outputs * chunks}");
        PaddedOutputs = ((outputs + PackedWeights.OutputPadding - 1) / PackedWeights.OutputPadding) * PackedWeights.OutputPadding;
        _scalesByChunk = new AlignedBuffer<float>(chunks * PaddedOutputs);
        var target = _scalesByChunk.Span;
        for (int j = 0; j < outputs; j++)
        {
            for (int c = 0; c < chunks; c++) target[(c * PaddedOutputs) + j] = scales[(j * chunks) + c];
        }
    }

    /// <summary>hb(W) of real weights given as [out, in]: signs and the chunk means of |w|.</summary>
    public static HadamardWeights FromReal(ReadOnlySpan<float> weights, int outputs, int inputs, int chunkLength)
    {
        var bits = BitMatrix.FromSigns(weights, outputs, inputs, ActivationCoding.Bipolar);
        return new HadamardWeights(bits, chunkLength, HadamardScales.ChunkMeans(weights, outputs, inputs, chunkLength));
    }

    public PackedWeights Packed { get; }
    internal int PaddedOutputs { get; }
    internal float* ScalesByChunk => _scalesByChunk.Pointer;
}

/// <summary>Chunk scales of hb: the mean of |v| over each chunk of each row.</summary>
public static class HadamardScales
{
    public static float[] ChunkMeans(ReadOnlySpan<float> values, int rows, int columns, int chunkLength)
    {
        var chunks = new ChunkLayout(columns, chunkLength);
        var means = new float[rows * chunks.Count];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < chunks.Count; c++)
            {
                double sum = 0;
                var part = values.Slice((r * columns) + chunks.Start(c), chunks.LengthOf(c));
                foreach (var v in part) sum += Math.Abs(v);
                means[(r * chunks.Count) + c] = (float)(sum / part.Length);
            }
        }
        return means;
    }
}

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
        var popCounts = BinaryGemm.ActivationPopCounts(activations, packed.Chunks, coding);
        fixed (int* pops = popCounts)
        fixed (float* scales = activationScales)
        fixed (float* target = output)
        {
            var sink = new HadamardSink(new SignedCounts(packed.Chunks, coding, pops), scales, weights.ScalesByChunk,
                weights.PaddedOutputs, chunks, target, packed.Outputs);
            PackedKernel.Run(activations, packed, coding, sink, options ?? KernelOptions.Default);
        }
    }
}
