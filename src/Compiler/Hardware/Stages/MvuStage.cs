using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>How a binary layer turns its incoming elements into the activation bits and chunk factors it computes with.</summary>
public sealed record InputPrep(
    /// <summary>The incoming elements are bits already (the previous stage thresholded them).</summary>
    bool ElementsAreBits,
    /// <summary>Bits from integer elements: bit = element &gt;= BitThreshold (1 unipolar, 0 bipolar).</summary>
    long BitThreshold,
    BitEncoding Encoding,
    /// <summary>Chunk length of the sums and popcounts (the bin-dot's chunk).</summary>
    int Chunk,
    FactorKind Factor,
    int FactorWidth)
{
    /// <summary>Bits stored per element: 1 for activation bits, the x-planes of a plane-dot's n-bit elements (two's complement when signed).</summary>
    public int Planes { get; init; } = 1;

    /// <summary>The elements are stored as they come, in <see cref="Planes"/> bits (a plane-dot's n-bit activations), not thresholded into bits.</summary>
    public bool StoresElements { get; init; }

    /// <summary>
    /// A plane-dot first layer's input levels: each byte becomes LevelBase + the number of these
    /// thresholds it reaches (a multi-threshold on the raw bytes, as QONNX's n-bit input Quant).
    /// </summary>
    public IReadOnlyList<long>? InputLevels { get; init; }

    public long LevelBase { get; init; }
}

public enum FactorKind
{
    /// <summary>No runtime factor (+-1 bits): the chunk mean is constant.</summary>
    None,

    /// <summary>F = sum of |element| over the chunk.</summary>
    Sum,

    /// <summary>F = popcount of the chunk's bits (0/1 bits).</summary>
    Popcount,

    /// <summary>F = popcount times sum (the seed's double binarization of 0/1 values).</summary>
    SumTimesPopcount,

    /// <summary>The pow2-exponent code of the chunk mean (pow2 scales): terms are shifted, not multiplied.</summary>
    Pow2Code,
}

/// <summary>An elementwise op applied to each output of a matrix-vector stage before it leaves.</summary>
public sealed record PostOp(Node Node);

/// <summary>
/// One matrix-vector stage of the hardware: the dense or bin-dot node, how its input is prepared
/// (binary layers), and the elementwise ops that follow it up to the value the next stage reads.
/// </summary>
public sealed record MvuStage(
    string Name,
    Node Mvu,
    Node? Factor,
    InputPrep? Prep,
    IReadOnlyList<PostOp> PostOps,
    GraphType OutputType)
{
    public bool IsDense => Mvu.Op == Ops.Dense;

    /// <summary>A plane-dot: n-bit activations times n-bit weights as AND-popcounts of bit planes with shifts.</summary>
    public bool IsPlane => Mvu.Op == Ops.PlaneDot;
    public int Inputs => Mvu.IntTensor("weights").Shape[0];
    public int Outputs => Mvu.IntTensor("weights").Shape[1];

    /// <summary>Set on a stage padded to its folding (<see cref="StagePadding"/>): the layer's real input and output counts.</summary>
    public StagePadding? Padding { get; init; }

    /// <summary>The layer's inputs before padding (the elements the producer really sends).</summary>
    public int RealInputs => Padding?.Inputs ?? Inputs;

    /// <summary>The layer's outputs before padding.</summary>
    public int RealOutputs => Padding?.Outputs ?? Outputs;
    public int Chunk => IsDense || IsPlane ? Inputs : (int)Mvu.Int("chunk");

    /// <summary>Width of one output element on the stream (1 for bits).</summary>
    public int OutputWidth => OutputType.Width;

    /// <summary>The sliding window in front of a convolution's matrix-vector unit (null for a dense layer).</summary>
    public WindowInput? Window { get; init; }

    /// <summary>The max-pool after the post-ops (null when none).</summary>
    public PoolOutput? Pool { get; init; }

    /// <summary>Receptive fields the unit computes per frame (1 unless convolutional).</summary>
    public int Pixels => Window?.Geometry.Positions ?? 1;
}

/// <summary>The whole pipeline: raw input bytes, matrix-vector stages, and the final argmax (class output) or the scores (scores output).</summary>
public sealed record StagePlan(string Model, int InputBytes, IReadOnlyList<MvuStage> Stages, bool ClassOutput, int Classes)
{
    /// <summary>A Walsh-Hadamard transform on the input bytes, in front of the first stage (then a binary one).</summary>
    public TransformStage? Front { get; init; }

    /// <summary>Bits of s_axis_tdata: one input element (byte) or several per beat; set through <see cref="InputStream.Widen"/>.</summary>
    public int InputWidth { get; init; } = InputStream.ElementBits;

    /// <summary>What an input element is on the wire: a byte, or (<see cref="InputFormat.Bits"/>) one bit per pixel, binarized by the host; set through <see cref="InputStream.AsBits"/>.</summary>
    public InputFormat InputFormat { get; init; } = InputFormat.Bytes;

    /// <summary>Input elements one beat of the stream carries.</summary>
    public int ElementsPerBeat => InputWidth / InputStream.BitsPerElement(InputFormat);

    /// <summary>Beats (cycles, at one beat per cycle) the input stream takes per frame; with bits the last beat may be partial (padded with 0 bits).</summary>
    public int InputBeats => (InputBytes + ElementsPerBeat - 1) / ElementsPerBeat;

    /// <summary>Elements the input beats of a frame carry, padding included: what the first stage's buffer takes in.</summary>
    public int InputFillElements => InputBeats * ElementsPerBeat;

    /// <summary>
    /// A wide stream in front of a consumer that takes one byte a cycle (the Walsh-Hadamard front,
    /// a convolution's window) goes through an width adapter (Generators.InputWidthAdapter).
    /// </summary>
    public bool AdaptsInput => ElementsPerBeat > 1 && (Front is not null || Stages[0].Window is not null);

    /// <summary>Cycles the input stage takes per frame: its beats, or its bytes behind a width adapter.</summary>
    public int InputCycles => AdaptsInput ? InputBytes : InputBeats;

    /// <summary>Input bytes the first consumer takes per cycle.</summary>
    public int InputBytesPerCycle => AdaptsInput ? 1 : ElementsPerBeat;
}
