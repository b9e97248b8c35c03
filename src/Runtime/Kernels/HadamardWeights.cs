namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights ready for the fused Hadamard product: sign bits plus one scale per output and chunk
/// (the mean |w| over the chunk, or any scale the caller chose, e.g. a power of two).
/// </summary>
public sealed unsafe class HadamardWeights
{
    private readonly AlignedBuffer<float> _scalesByChunk;
    private readonly Lazy<AlignedBuffer<float>> _popcountScales;

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
        var copy = scales.ToArray();
        _popcountScales = new(() => HadamardPopcount.WeightScales(copy, outputs, chunks, PaddedOutputs));
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

    /// <summary>2 x the scales, laid out for the fused VPOPCNTD kernel ([64-output panel][chunk][output]).</summary>
    internal float* PopcountScales => _popcountScales.Value.Pointer;

    /// <summary>Builds the layouts the given level will use, so timing excludes them.</summary>
    public void Prepare(KernelIsa? isa = null, ActivationCoding coding = ActivationCoding.Bipolar)
    {
        if (HadamardPopcount.Fits(this, KernelCpu.Resolve(isa), coding))
        {
            _ = Packed.Popcount;
            _ = PopcountScales;
        }
        else
        {
            Packed.Prepare(isa);
        }
    }
}
