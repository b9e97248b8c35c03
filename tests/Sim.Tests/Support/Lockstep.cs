using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Tests.Support;

/// <summary>Drives several simulators of one design with the same inputs and compares every signal every cycle.</summary>
public static class Lockstep
{
    /// <summary>
    /// Random values mixed with edge cases (0, 1, all ones, sign bit), a counter and an LFSR, so
    /// carries, signs and slow-changing inputs all occur; reset is raised now and then.
    /// </summary>
    public static BigInteger Stimulus(SplitMix64 rng, RtlSignal input, long cycle, ref ulong lfsr)
    {
        int w = input.Width;
        var mask = (BigInteger.One << w) - 1;
        if (input.Name == RtlModule.ResetPort) return rng.NextInt(16) == 0 ? 1 : 0;
        switch (rng.NextInt(8))
        {
            case 0: return 0;
            case 1: return mask;
            case 2: return BigInteger.One << (w - 1);
            case 3: return mask >> 1;
            case 4: return cycle & mask;
            case 5:
                lfsr = (lfsr >> 1) ^ (0UL - (lfsr & 1) & 0xD800000000000000UL);
                return (new BigInteger(lfsr) * 0x9E3779B97F4A7C15UL) & mask;
            default:
                var value = BigInteger.Zero;
                for (int bits = 0; bits < w; bits += 64) value |= new BigInteger(rng.NextUInt64()) << bits;
                return value & mask;
        }
    }

    /// <summary>Null when all engines agree on every signal for <paramref name="cycles"/> cycles, otherwise the first difference.</summary>
    public static string? FirstDifference(RtlDesign design, int cycles, ulong seed, params SimEngine[] engines)
    {
        var sims = engines.Select(e => Simulator.Create(design, e)).ToArray();
        var rng = new SplitMix64(seed);
        ulong lfsr = seed | 1;
        var inputs = sims[0].Signals.Where(s => s.IsInput).ToList();
        for (long cycle = 0; cycle < cycles; cycle++)
        {
            foreach (var input in inputs)
            {
                var value = Stimulus(rng, input.Rtl, cycle, ref lfsr);
                foreach (var sim in sims) sim.Poke(sim.Signal(input.Name), value);
            }
            foreach (var signal in sims[0].Signals)
            {
                var expected = sims[0].Peek(signal);
                for (int e = 1; e < sims.Length; e++)
                {
                    var actual = sims[e].Peek(sims[e].Signal(signal.Name));
                    if (actual != expected)
                        return $"cycle {cycle}: {signal} is {actual:X} in {engines[e]} but {expected:X} in {engines[0]}";
                }
            }
            foreach (var sim in sims) sim.Step();
        }
        return null;
    }
}
