using System.Numerics;
using System.Text;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Vectors;

/// <summary>
/// Per-cycle random vectors for any design: every input but clk gets a new value each cycle
/// (0, all ones, the sign bit, the previous value + 1, or random bits; rst is high one cycle in
/// 16), and every output is printed each cycle. The generated vector harness
/// (<see cref="Verilator.VectorHarness"/>) draws the same numbers in the same order, so the
/// two transcripts must be equal line for line.
/// </summary>
public static class VectorDriver
{
    public static List<string> Run(Simulator sim, ulong seed, long cycles)
    {
        var rng = new SplitMix64(seed);
        var inputs = sim.Module.Inputs.Where(p => p.Name != RtlModule.Clock).Select(p => sim.Signal(p.Name)).ToList();
        var outputs = sim.Module.Outputs.Select(p => sim.Signal(p.Name)).ToList();
        var previous = new BigInteger[inputs.Count];
        var lines = new List<string>();
        var line = new StringBuilder();
        for (long cycle = 0; cycle < cycles; cycle++)
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                previous[i] = Draw(rng, inputs[i], previous[i]);
                sim.Poke(inputs[i], previous[i]);
            }
            line.Clear().Append("C ").Append(cycle);
            foreach (var output in outputs) line.Append(' ').Append(HexText.Of(sim.Peek(output)));
            lines.Add(line.ToString());
            sim.Step();
        }
        lines.Add($"END {cycles}");
        return lines;
    }

    public static BigInteger Draw(SplitMix64 rng, SimSignal input, BigInteger previous)
    {
        int w = input.Width;
        var mask = (BigInteger.One << w) - 1;
        ulong r = rng.NextUInt64();
        if (input.Name == RtlModule.ResetPort) return (r >> 60) == 0 ? 1 : 0;
        switch (r & 7)
        {
            case 0: return 0;
            case 1: return mask;
            case 2: return BigInteger.One << (w - 1);
            case 3: return (previous + 1) & mask;
            default:
                var value = BigInteger.Zero;
                for (int bits = 0; bits < w; bits += 64) value |= new BigInteger(rng.NextUInt64()) << bits;
                return value & mask;
        }
    }
}
