using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The resource terms a convolution adds to its matrix-vector unit: the sliding window (two frame
/// buffers in block RAM, the address stepping and inside test, its output FIFO) and the max-pool
/// after it (two rotating registers of partial maxima, an OR or a comparator per lane and step).
/// </summary>
internal static class ConvolutionResources
{
    public static IEnumerable<ResourceTerm> Terms(LayerShape s, LayerFolding f, ResourceCosts costs)
    {
        if (s.WindowBeats > 0)
        {
            int lanes = Math.Max(1, s.Inputs / s.WindowBeats);
            int addressBits = BitWidth.ToIndex(Math.Max(2, s.WindowBits));
            // frame buffers: 2 frames of the layer's input image
            yield return new("window frame buffers") { BramBits = s.WindowBits };
            // the read address: five constant steps selected by the loop counters; the inside test on two coordinates
            yield return new("window addressing")
            {
                CarryAdderBits = 7.0 * addressBits,
                MuxBits = 4.0 * addressBits,
                ComparatorBits = 4.0 * addressBits,
                FixedLuts = costs.ControlLutsPerLayer,
                Ffs = (3 * addressBits) + costs.ControlFfsPerLayer,
            };
            // output word: padding select and a 4-deep FIFO
            long word = (long)lanes * s.InputWidth;
            yield return new("window output") { MuxBits = 4.0 * word, Ffs = 5 * word };
        }
        if (s.PoolWidth > 0)
        {
            long lane = (long)f.Pe * s.PoolWidth;
            bool bits = s.PoolWidth == 1;
            // partial maxima: one pooled row of all channels (a RAM when large), and one pixel's channels across a pool
            long row = (long)s.PoolRowElements * s.PoolWidth;
            bool rowInRam = s.PoolRowElements / f.Pe >= 2 && row > Generators.PoolUnit.RowRegisterBits;
            yield return new("max-pool registers") { Ffs = (rowInRam ? 0 : row) + ((long)s.Outputs * s.PoolWidth), BramBits = rowInRam ? row : 0 };
            // the maximum twice per beat (across, down): OR of bits, or a compare and a select per lane
            yield return bits
                ? new("max-pool OR") { MuxBits = 2.0 * lane }
                : new("max-pool compare") { ComparatorBits = 2.0 * lane, MuxBits = 4.0 * lane };
            yield return new("max-pool FIFO") { MuxBits = lane, Ffs = 2 * lane };
        }
    }
}
