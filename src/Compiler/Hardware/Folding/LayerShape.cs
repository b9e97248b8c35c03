namespace HwFlow.Compiler.Hardware.Folding;

public enum LayerKind
{
    /// <summary>dense: integer inputs (the first layer's bytes) times constant integer weights; shift-add per lane.</summary>
    Dense,

    /// <summary>bin-dot: activation bits times weight sign bits (AND/XNOR popcount), per-chunk factor and coefficient or shift.</summary>
    Binary,

    /// <summary>a Walsh-Hadamard transform on the input bytes (Inputs bytes, Outputs = n): PE values a beat, n/PE beats a frame; SIMD is 1.</summary>
    Transform,
}

/// <summary>
/// What the folding optimizer and the resource model need to know about one matrix-vector layer
/// of the integer graph. Chunk is the Hadamard chunk length of a Binary layer (Inputs when there
/// is a single chunk, e.g. BNN layers); FactorWidth is 0 when the layer has no runtime chunk
/// factor, CoefficientWidth 0 when it has no coefficient (coef form) and ShiftWidth 0 when it is
/// not a pow2 (shift form) layer. NextChunk is the chunk length the next layer binarizes this
/// layer's outputs with (0 when the next stage is not a chunked binary layer). A convolution's
/// unit runs once per output pixel (Pixels), fed by a sliding window that takes WindowBeats beats
/// per pixel and holds WindowBits of frame buffers; PoolRowElements and PoolWidth size the
/// max-pool after it (0 when none). NextPow2CodeBits is what the next layer's pow2 exponent codes
/// compare per chunk: thresholds x chunk-sum bits, over both threshold rows when the last chunk
/// is shorter (0 when the next layer has no pow2 codes read from chunk sums).
/// </summary>
public sealed record LayerShape(
    string Name,
    LayerKind Kind,
    int Inputs,
    int Outputs,
    int Chunk,
    int InputWidth,
    int WeightWidth,
    int FactorWidth,
    int CoefficientWidth,
    int ShiftWidth,
    int AccumulatorWidth,
    int OutputWidth,
    int NextChunk,
    int Pixels = 1,
    int WindowBeats = 0,
    long WindowBits = 0,
    int PoolRowElements = 0,
    int PoolWidth = 0,
    int NextPow2CodeBits = 0)
{
    /// <summary>
    /// Input elements that arrive together in one beat of the input stream (the first layer under
    /// `--input-width`): its SIMD must be a multiple of them, or a power-of-two fraction, so that
    /// a beat fills whole buffer words. 1 (one byte a beat) constrains nothing.
    /// </summary>
    public int BeatElements { get; init; } = 1;
}

/// <summary>How one layer is folded: PE output neurons and SIMD inputs per cycle.</summary>
public sealed record LayerFolding(string Layer, int Pe, int Simd);

/// <summary>The folding of every layer, in layer order.</summary>
public sealed record FoldingPlan(IReadOnlyList<LayerFolding> Layers)
{
    public LayerFolding For(string layer) => Layers.First(f => f.Layer == layer);
}
