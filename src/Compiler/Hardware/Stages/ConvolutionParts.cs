using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>
/// The sliding window that feeds a convolution's matrix-vector unit: it stores frames of
/// <paramref name="ElementType"/> (what the previous stage emits, or the input bytes) and emits
/// every receptive field as elements of <paramref name="OutputType"/>, padding included, in the
/// golden kernel's (ky, kx, c) order, <paramref name="Lanes"/> elements a beat.
/// </summary>
public sealed record WindowInput(WindowGeometry Geometry, GraphType ElementType, GraphType OutputType, int Lanes)
{
    /// <summary>+-1 bits reaching padding become the integers -1, 0, +1 (the golden window's rule).</summary>
    public bool SignsToIntegers => ElementType is { Kind: ValueKind.Bits, Encoding: BitEncoding.PlusMinus } && OutputType.Kind == ValueKind.Int;

    /// <summary>Beats one receptive field takes on the window's output stream.</summary>
    public int BeatsPerPixel => Geometry.Patch / Lanes;

    /// <summary>Words of one input row: its pixels times the words a pixel takes.</summary>
    public int RowWords => Geometry.Width * (Geometry.Channels / Lanes);

    /// <summary>A row's words rounded up to a power of two, so a ring address is a row slot and a column concatenated.</summary>
    public int PaddedRowWords => 1 << BitWidth.CeilLog2(RowWords);

    /// <summary>
    /// Rows the line buffer holds, a power of two: the Kernel rows a window reads, the Stride rows
    /// its next row moves down, and room for the next frame's first Kernel rows to arrive while the
    /// last window row of a frame is read (2 Kernel + Stride - 1), so a window that paces the
    /// design never waits for its input at a frame boundary.
    /// </summary>
    public int LineRows => 1 << BitWidth.CeilLog2(Math.Max(2, (2 * Geometry.KernelHeight) + Geometry.Stride - 1));

    /// <summary>Bits of the line buffer (LineRows rows of PaddedRowWords words of Lanes elements).</summary>
    public long BufferBits => (long)LineRows * PaddedRowWords * Lanes * ElementType.Width;
}

/// <summary>A max-pool after a stage's post-ops, on values of <paramref name="ElementType"/>: OR of bits, or the integer maximum.</summary>
public sealed record PoolOutput(WindowGeometry Geometry, GraphType ElementType)
{
    public bool OnBits => ElementType.Kind == ValueKind.Bits;
}
