namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A weight matrix W[out, in] as sign bits (1 = +1, 0 = -1) with its chunk layout, plus the
/// per-kernel re-layouts built on first use (weights are packed once, multiplied many times).
/// </summary>
public sealed class PackedWeights
{
    /// <summary>Outputs are padded to a multiple of this: every kernel's tile width divides it.</summary>
    internal const int OutputPadding = 256;

    private readonly Lazy<SlicedWeights> _avx512;
    private readonly Lazy<SlicedWeights> _avx2;
    private readonly Lazy<WordSegments> _segments;
    private readonly Lazy<PopcountWeights> _popcount;

    public PackedWeights(BitMatrix bits, int chunkLength)
    {
        ArgumentNullException.ThrowIfNull(bits);
        if (bits.Rows < 1 || bits.Columns < 1) throw new ArgumentException("weights need at least one output and one input");
        Bits = bits;
        Chunks = new ChunkLayout(bits.Columns, chunkLength);
        _avx512 = new(() => new SlicedWeights(bits, new FieldLayout(Chunks, Avx512Counter.FieldBits), Avx512Counter.TileOutputs));
        _avx2 = new(() => new SlicedWeights(bits, new FieldLayout(Chunks, Avx2Counter.FieldBits), Avx2Counter.TileOutputs));
        _segments = new(() => new WordSegments(Chunks));
        _popcount = new(() => new PopcountWeights(bits));
    }

    /// <summary>Sign bits of W given as [out, in] values (v &gt;= 0 is +1).</summary>
    public static PackedWeights FromSigns(ReadOnlySpan<float> weights, int outputs, int inputs, int chunkLength) =>
        new(BitMatrix.FromSigns(weights, outputs, inputs, ActivationCoding.Bipolar), chunkLength);

    public BitMatrix Bits { get; }
    public ChunkLayout Chunks { get; }
    public int Outputs => Bits.Rows;
    public int Inputs => Bits.Columns;

    internal SlicedWeights Sliced(KernelIsa isa) => isa == KernelIsa.Avx512 ? _avx512.Value : _avx2.Value;

    internal WordSegments Segments => _segments.Value;

    internal PopcountWeights Popcount => _popcount.Value;

    /// <summary>The level that will run these weights at <paramref name="isa"/>: the VPOPCNTD kernels need chunks on 32-bit steps, else the table lookup runs.</summary>
    internal KernelIsa Runnable(KernelIsa isa) =>
        isa == KernelIsa.Avx512Popcount && !PopcountWeights.Fits(Chunks) ? KernelIsa.Avx512 : isa;

    /// <summary>Builds the layout the given level will need now, so timing excludes it.</summary>
    public void Prepare(KernelIsa? isa = null)
    {
        var level = Runnable(KernelCpu.Resolve(isa));
        if (level == KernelIsa.Scalar) _ = Segments;
        else if (level == KernelIsa.Avx512Popcount) _ = Popcount;
        else _ = Sliced(level);
    }
}
