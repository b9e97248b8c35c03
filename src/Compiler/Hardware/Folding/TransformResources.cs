using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The structure <see cref="Generators.ButterflyNetwork"/> builds for a Walsh-Hadamard transform of
/// n = Outputs values, PE values a beat (n/PE beats a frame), counted in the units of
/// <see cref="ResourceCosts"/>: the sign flips on the way in; per butterfly stage of span m, PE
/// adders/subtractors within the beat (m &lt; PE) or, per lane, an adder, a subtractor, two
/// multiplexers and a delay line of m/PE values (m &gt;= PE, registers when short, else block RAM);
/// a pipeline register after every stage. The output ops, FIFO and control are the common output terms.
/// Stage s adds one bit: its values are InputWidth + 1 (the signs) + s + 1 bits wide.
/// </summary>
public static class TransformResources
{
    /// <summary>Delay lines of at most this many bits are registers (a RAM this small would take a whole block); longer ones are a RAM with a registered read.</summary>
    public const int RegisterLineBits = 512;

    /// <summary>Whether a delay line of <paramref name="depth"/> words of <paramref name="wordBits"/> bits is built from registers.</summary>
    public static bool InRegisters(int depth, int wordBits) => depth == 1 || (long)depth * wordBits <= RegisterLineBits;

    public static List<ResourceTerm> Terms(LayerShape s, LayerFolding f)
    {
        int lanes = f.Pe, size = s.Outputs, beats = size / lanes;
        int stages = BitWidth.CeilLog2(size);
        int inWidth = s.InputWidth + 1;
        var terms = new List<ResourceTerm>
        {
            // x or -x per lane; the sign bits come from a ROM of n/PE words in logic (a 16-bit table a LUT4), wired when one beat holds the frame
            new("sign flips") { NegateBits = (double)lanes * inWidth, MuxBits = beats > 1 ? size / 16.0 : 0 },
            // the bytes of a beat gathered, and the position counter with its handshake
            new("input gather") { Ffs = (long)(lanes - 1) * 8, CarryAdderBits = BitWidth.ToIndex(beats) + BitWidth.ToIndex(lanes) },
        };
        double adderBits = 0, muxBits = 0;
        long registerBits = 0, ramBits = 0, counterBits = 0;
        for (int stage = 0; stage < stages; stage++)
        {
            int width = ValueWidth(s, stage);
            int span = 1 << stage;
            adderBits += (double)lanes * width;
            if (span >= lanes)
            {
                int depth = span / lanes;
                // per lane, the sum and the difference both exist: the pair's add and subtract, plus the output and push selects
                adderBits += (double)lanes * width;
                muxBits += 2.0 * lanes * width;
                if (InRegisters(depth, lanes * width)) registerBits += (long)depth * lanes * width;
                else ramBits += (long)depth * lanes * width;
                counterBits += BitWidth.ToIndex(beats) + 2;
            }
            registerBits += (long)lanes * (width + 1);
        }
        terms.Add(new("butterflies") { CarryAdderBits = adderBits, MuxBits = muxBits });
        terms.Add(new("delay lines and stage registers") { Ffs = registerBits, BramBits = ramBits });
        terms.Add(new("stage position counters") { CarryAdderBits = counterBits, Ffs = counterBits });
        return terms;
    }

    /// <summary>Width of butterfly stage <paramref name="stage"/>'s outputs: one bit per stage above the signed input.</summary>
    public static int ValueWidth(LayerShape s, int stage) => Math.Min(s.AccumulatorWidth, s.InputWidth + 2 + stage);
}
