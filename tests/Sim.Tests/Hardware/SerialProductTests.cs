using System.Numerics;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Both forms of the serial product alone: random operands started back to back (every Cycles
/// cycles, the pace a chunk term meets when its chunk takes as many beats as the product has
/// steps) and with gaps, each product checked in every cycle it is promised to stay in Result:
/// from its latency until the next start (the plain form's accumulator is the result) or until the
/// next product lands (the carry-save form's result register).
/// </summary>
public sealed class SerialProductTests
{
    [Theory]
    [InlineData(false, 1UL)]
    [InlineData(false, 2UL)]
    [InlineData(true, 1UL)]
    [InlineData(true, 2UL)]
    [InlineData(true, 3UL)]
    public void Every_product_is_in_the_result_from_its_latency_until_the_next_one_lands(bool carrySave, ulong seed)
    {
        var rng = new SplitMix64(seed);
        for (int trial = 0; trial < 12; trial++)
        {
            bool aSigned = rng.NextInt(2) == 0;
            int aWidth = 1 + rng.NextInt(10), bWidth = 2 + rng.NextInt(12);
            int width = aWidth + bWidth + rng.NextInt(3);
            int bitsPerCycle = 1 + rng.NextInt(Math.Min(bWidth, 5));
            var m = new ModuleBuilder("serial");
            var start = m.Input("start", 1);
            var a = m.Input("a", aWidth);
            var b = m.Input("b", bWidth);
            var unit = carrySave
                ? SerialProduct.BuildCarrySave(m, start, a, aSigned, b, width, bitsPerCycle, "t")
                : SerialProduct.Build(m, start, a, aSigned, b, width, bitsPerCycle, "t");
            m.Assign(m.Output("p", width), unit.Result);
            Assert.Equal(carrySave ? unit.Cycles + 1 : unit.Cycles, unit.Latency);
            var sim = Simulator.Create(new RtlDesign([m.Build()], "serial"));
            sim.Poke("rst", 1);
            sim.Step();
            sim.Poke("rst", 0);

            // starts: back to back or with a gap of up to 2 cycles, 10 products
            var expected = new Dictionary<long, BigInteger>(); // cycle -> product required in Result
            long cycle = 0, nextStart = 0;
            int started = 0;
            while (started < 10 || expected.Keys.Any(k => k >= cycle))
            {
                bool go = started < 10 && cycle == nextStart;
                sim.Poke("start", go ? 1 : 0);
                if (go)
                {
                    long x = aSigned ? rng.NextInt(1 << aWidth) - (1 << (aWidth - 1)) : rng.NextInt(1 << aWidth);
                    long y = rng.NextInt(1 << bWidth) - (1 << (bWidth - 1));
                    sim.Poke("a", Arithmetic.Word(x, aWidth));
                    sim.Poke("b", Arithmetic.Word(y, bWidth));
                    long gap = rng.NextInt(3) == 0 ? rng.NextInt(3) : 0;
                    nextStart = cycle + unit.Cycles + gap;
                    long lastValid = carrySave ? nextStart + unit.Latency - 1 : nextStart;
                    for (long c = cycle + unit.Latency; c <= lastValid; c++)
                        expected[c] = Arithmetic.Word(x * y, width);
                    started++;
                }
                sim.Step();
                cycle++;
                if (expected.TryGetValue(cycle, out var want))
                    Assert.True(want == sim.Peek("p"), $"trial {trial}: {(aSigned ? "signed" : "unsigned")} {aWidth}-bit a, {bWidth}-bit b, {bitsPerCycle} bits a cycle: cycle {cycle} holds {sim.Peek("p")}, expected {want}");
            }
        }
    }
}
