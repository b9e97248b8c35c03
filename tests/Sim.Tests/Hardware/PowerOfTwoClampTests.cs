using System.Numerics;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>The clamp by high bits against Math.Clamp, every input value of widths 1 to 7, every power-of-two range.</summary>
public sealed class PowerOfTwoClampTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_clamps_as_math_clamp_does(bool signed)
    {
        int built = 0;
        for (int w = 1; w <= 7; w++)
        {
            var ranges = new List<(long Lo, long Hi)>();
            for (int k = 0; k <= 8; k++)
            {
                ranges.Add((0, (1L << k) - 1));
                if (k >= 1) ranges.Add((-(1L << (k - 1)), (1L << (k - 1)) - 1));
            }
            ranges.Add((-3, 4)); // not a power-of-two range: no fast form
            foreach (var (lo, hi) in ranges)
            {
                var m = new ModuleBuilder("clamp", withReset: false);
                var x = m.Input("x", w);
                var clamped = PowerOfTwoClamp.TryBuild(m, x, signed, lo, hi);
                if (clamped is null) continue;
                built++;
                m.Assign(m.Output("y", w), clamped);
                var sim = Simulator.Create(new RtlDesign([m.Build()], "clamp"));
                long min = signed ? -(1L << (w - 1)) : 0, max = signed ? (1L << (w - 1)) - 1 : (1L << w) - 1;
                for (long v = min; v <= max; v++)
                {
                    sim.Poke("x", v < 0 ? (BigInteger.One << w) + v : v);
                    long expected = Math.Clamp(v, lo, hi);
                    BigInteger want = expected < 0 ? (BigInteger.One << w) + expected : expected;
                    Assert.True(want == sim.Peek("y"), $"{(signed ? "signed" : "unsigned")} {w}-bit {v} clamped to [{lo}, {hi}]: {sim.Peek("y")}, expected {want}");
                }
            }
            Assert.Null(PowerOfTwoClamp.TryBuild(new ModuleBuilder("m"), new ModuleBuilder("n").Input("x", w), signed, -3, 4));
        }
        Assert.True(built > 20, $"only {built} ranges had the fast form");
    }
}
