using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Memory;

/// <summary>What a memory of a generated design holds: the choice of block RAM or logic depends on it.</summary>
public enum MemoryKind
{
    /// <summary>Weights (or count tables made from them) of a folded layer: always block RAM.</summary>
    Weights,

    /// <summary>Per-neuron constants (thresholds, coefficients, biases, post-op tables).</summary>
    Constants,

    /// <summary>Activations buffered between the stream and a layer.</summary>
    Buffer,
}

/// <summary>
/// Where each memory goes, decided once for the generator and the resource model alike. Weights
/// of a folded layer go to block RAM (as LUT logic they cost about a LUT and a flip-flop per bit
/// of a beat's word, the largest part of a folded layer otherwise); constant tables too, unless
/// they are so small that their words cost fewer LUTs than a block's share is worth (at most a
/// sixteenth of a block: on iCE40 a 16-deep table is one LUT4 per bit).
/// </summary>
public static class MemoryPolicy
{
    /// <param name="logicWeightBits">Weights of at most this many bits go to logic too (<see cref="HardwareOptions.LogicWeightBits"/>).</param>
    public static MemoryStyle Style(LogicFabric fabric, MemoryKind kind, int width, long depth, long logicWeightBits = 0) => kind switch
    {
        MemoryKind.Weights => width * depth <= logicWeightBits ? MemoryStyle.Logic : MemoryStyle.Block,
        _ => (long)width * depth * 16 <= BlockRam.BlockBits(fabric) || depth <= LogicDepth(fabric) && width <= 16 ? MemoryStyle.Logic : MemoryStyle.Block,
    };

    /// <summary>Words a single LUT holds as a ROM column: a shallower table is one LUT per bit.</summary>
    public static int LogicDepth(LogicFabric fabric) => fabric == LogicFabric.Lut6 ? 64 : 16;
}
