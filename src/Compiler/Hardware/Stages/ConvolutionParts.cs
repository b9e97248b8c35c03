using HwFlow.Runtime.Graph;
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

    /// <summary>Bits of the two frame buffers (one filling while the other is read).</summary>
    public long BufferBits => 2L * Geometry.InputLength * ElementType.Width;
}

/// <summary>A max-pool after a stage's post-ops, on values of <paramref name="ElementType"/>: OR of bits, or the integer maximum.</summary>
public sealed record PoolOutput(WindowGeometry Geometry, GraphType ElementType)
{
    public bool OnBits => ElementType.Kind == ValueKind.Bits;
}
