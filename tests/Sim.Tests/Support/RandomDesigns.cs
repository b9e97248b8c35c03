using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Tests.Support;

/// <summary>Random well-formed designs: a random child module instantiated twice under a random top, with registers and a RAM.</summary>
public static class RandomDesigns
{
    private static readonly int[] Widths = [1, 2, 7, 33, 64, 65, 127];

    public static RtlDesign Build(ulong seed, string prefix = "")
    {
        var rng = new SplitMix64(seed);
        var child = Module(rng, prefix + "child", null);
        var top = Module(rng, prefix + "top", child);
        return new RtlDesign([child, top], prefix + "top");
    }

    private static RtlModule Module(SplitMix64 rng, string name, RtlModule? child)
    {
        var m = new ModuleBuilder(name);
        var pool = new List<RtlSignal>();
        for (int i = 0, n = 2 + rng.NextInt(3); i < n; i++) pool.Add(m.Input($"in{i}", Pick(rng)));
        if (child is not null)
            for (int copy = 0; copy < 2; copy++)
            {
                var inputs = child.Inputs.Where(p => p.Name is not (RtlModule.Clock or RtlModule.ResetPort))
                    .ToDictionary(p => p.Name, p => m.Resize(Any(rng, pool), p.Width, rng.NextInt(2) == 0));
                var connections = m.Instantiate(child, $"u{copy}", inputs);
                pool.AddRange(child.Outputs.Select(p => connections[p.Name]));
            }
        var registers = new List<RtlSignal>();
        for (int i = 0, n = rng.NextInt(4); i < n; i++)
        {
            int w = Pick(rng);
            var q = rng.NextInt(3) == 0 ? m.Register("r", w, Random(rng, w), useReset: false) : m.Register("r", w, Random(rng, w));
            registers.Add(q);
            pool.Add(q);
        }
        for (int i = 0, n = 8 + rng.NextInt(25); i < n; i++) pool.Add(RandomCell(m, rng, pool));
        if (rng.NextInt(2) == 0)
        {
            int w = Pick(rng), depth = 3 + rng.NextInt(6), address = (int)Math.Ceiling(Math.Log2(depth));
            pool.Add(m.Ram("ram", w, depth, m.Resize(Any(rng, pool), address, false), m.Resize(Any(rng, pool), 1, false),
                m.Resize(Any(rng, pool), address, false), m.Resize(Any(rng, pool), w, false), m.Resize(Any(rng, pool), 1, false)));
        }
        foreach (var q in registers)
            m.Next(q, m.Resize(Any(rng, pool), q.Width, rng.NextInt(2) == 0), rng.NextInt(2) == 0 ? m.Resize(Any(rng, pool), 1, false) : null);
        for (int i = 0, n = 1 + rng.NextInt(4); i < n; i++)
        {
            var source = pool[pool.Count - 1 - rng.NextInt(Math.Min(6, pool.Count))];
            m.Assign(m.Output($"out{i}", source.Width), source);
        }
        return m.Build();
    }

    private static RtlSignal RandomCell(ModuleBuilder m, SplitMix64 rng, List<RtlSignal> pool)
    {
        var a = Any(rng, pool);
        RtlSignal Same() => m.Resize(Any(rng, pool), a.Width, rng.NextInt(2) == 0);
        return rng.NextInt(20) switch
        {
            0 => m.Not(a),
            1 => m.And(a, Same()),
            2 => m.Or(a, Same()),
            3 => m.Xor(a, Same()),
            4 => m.Add(a, Same()),
            5 => m.Sub(a, Same()),
            6 => m.Compare(new[] { RtlOp.Eq, RtlOp.Ne, RtlOp.LtU, RtlOp.LtS, RtlOp.LeU, RtlOp.LeS }[rng.NextInt(6)], a, Same()),
            7 => m.Mux(m.Resize(Any(rng, pool), 1, false), a, Same()),
            8 => m.Concat(a, Any(rng, pool)),
            9 => RandomSlice(m, rng, a),
            10 => m.Resize(a, Pick(rng), rng.NextInt(2) == 0),
            11 => m.ShiftLeft(a, rng.NextInt(a.Width + 2)),
            12 => m.ShiftRightLogical(a, rng.NextInt(a.Width + 2)),
            13 => m.ShiftRightArithmetic(a, rng.NextInt(a.Width + 2)),
            14 => m.Shift(new[] { RtlOp.Shl, RtlOp.Shr, RtlOp.Sar }[rng.NextInt(3)], a, m.Resize(Any(rng, pool), 1 + rng.NextInt(8), false)),
            15 => m.Popcount(a),
            16 => rng.NextInt(2) == 0 ? m.ReduceOr(a) : m.ReduceAnd(a),
            17 => m.Const(Random(rng, a.Width), a.Width),
            _ => m.Add(a, m.Const(Random(rng, a.Width), a.Width)),
        };
    }

    private static RtlSignal RandomSlice(ModuleBuilder m, SplitMix64 rng, RtlSignal a)
    {
        int low = rng.NextInt(a.Width);
        return m.Slice(a, low, 1 + rng.NextInt(a.Width - low));
    }

    private static int Pick(SplitMix64 rng) => Widths[rng.NextInt(Widths.Length)];

    private static RtlSignal Any(SplitMix64 rng, List<RtlSignal> pool) => pool[rng.NextInt(pool.Count)];

    private static BigInteger Random(SplitMix64 rng, int w)
    {
        var value = BigInteger.Zero;
        for (int bits = 0; bits < w; bits += 64) value |= new BigInteger(rng.NextUInt64()) << bits;
        return value & ((BigInteger.One << w) - 1);
    }
}
