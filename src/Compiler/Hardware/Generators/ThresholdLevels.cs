using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The multi-level threshold post-op (an n-bit activation): y = base + step * (the number of
/// levels k with dir * x &gt;= t[k]), compared on the raw accumulator. Each level is a compare with
/// a bound and a mode (x &gt;= bound, x &lt;= bound for a decreasing neuron, always, never), as the
/// single threshold is; the count is a popcount of the level bits.
/// </summary>
internal static class ThresholdLevels
{
    /// <summary>Per level k: the bounds and modes (0 x &gt;= bound, 1 x &lt;= bound, 2 always, 3 never) of every neuron.</summary>
    public static (long[][] Bounds, long[][] Modes) Tables(Node node)
    {
        int n = node.Type.Length;
        var t = node.IntTensor("t");
        bool shared = t.Shape[0] == 1;
        int levels = t.Shape[1];
        var bounds = Enumerable.Range(0, levels).Select(_ => new long[n]).ToArray();
        var modes = Enumerable.Range(0, levels).Select(_ => new long[n]).ToArray();
        var directions = node.Has("dir") ? node.IntElements("dir", n) : Enumerable.Repeat(1L, n).ToArray();
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < levels; k++)
            {
                long tk = t[shared ? 0 : j, k];
                (bounds[k][j], modes[k][j]) = directions[j] switch
                {
                    > 0 => (tk, 0L),
                    < 0 => (-tk, 1L),
                    _ => (0L, tk <= 0 ? 2L : 3L),
                };
            }
        }
        return (bounds, modes);
    }

    public static int Levels(Node node) => node.IntTensor("t").Shape[1];

    /// <summary>The level of <paramref name="x"/>; <paramref name="field"/> reads a ROM field (bound{k}, mode{k}, base) of the lane's neuron.</summary>
    public static RtlSignal Apply(ModuleBuilder m, Node node, RtlSignal x, bool signed, Func<string, RtlSignal> field)
    {
        var (outSigned, outWidth) = Arithmetic.Shape(node.Type);
        int levels = Levels(node);
        var reached = new List<RtlSignal>();
        for (int k = 0; k < levels; k++)
        {
            var bound = field($"bound{k}");
            var mode = field($"mode{k}");
            var atLeast = m.AtLeast(x, signed, bound, true);
            var atMost = m.AtLeast(bound, true, x, signed);
            var low = m.Mux(m.Bit(mode, 0), atMost, atLeast);
            reached.Add(m.Mux(m.Bit(mode, 1), m.Not(m.Bit(mode, 0)), low));
        }
        long step = node.Has("step") ? node.Int("step") : 1;
        long maxBase = node.IntElements("base", node.Type.Length).Select(Math.Abs).Max();
        int width = BitWidth.ToHoldSigned(-(maxBase + (Math.Abs(step) * levels)), maxBase + (Math.Abs(step) * levels));
        // no levels (a quantizer with one value): the base alone
        RtlSignal count = levels == 0 ? m.Const(0, width) : m.Fit(m.Popcount(m.Concat([.. reached.AsEnumerable().Reverse()])), false, width);
        if (step != 1) count = m.ShiftAddProduct(count, false, m.Const(Arithmetic.Word(step, width), width), true, width, "level_step", pipelined: false).Product;
        var levelBase = node.Find("base") is IntTensorAttr ? m.Fit(field("base"), true, width) : m.Const(Arithmetic.Word(node.IntElement("base", 0), width), width);
        return m.Fit(m.Add(count, levelBase), outSigned, outWidth);
    }
}
