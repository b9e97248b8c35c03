using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The pow2-exponent codes of a binary layer's input chunks (pow2 scales), computed on the fill
/// side as the golden kernel defines them: with a chunk sum S, code = the number of the chunk's
/// thresholds S reaches (comparators against constants, a thermometer code counted); without one,
/// code = 1 when the chunk holds a one bit; with a popcount table, a nonzero code grows by
/// table[ones]. Every chunk but a shorter last one has the same thresholds and table (both depend
/// only on the chunk length), so the hardware holds two rows at most and picks the last chunk's
/// row when the chunk ends with the frame.
/// </summary>
public sealed class Pow2Codes
{
    private readonly IntTensorAttr? _thresholds;
    private readonly IntTensorAttr? _table;
    private readonly int _chunks;

    public Pow2Codes(Node exponent)
    {
        if (exponent.Op != Ops.Pow2Exponent) throw new InvalidOperationException($"{exponent.Name} is not a pow2-exponent node");
        _thresholds = exponent.Find("thresholds") as IntTensorAttr;
        _table = exponent.Find("popcount-table") as IntTensorAttr;
        _chunks = exponent.Type.Length;
        Width = exponent.Type.Width;
        for (int c = 1; c < _chunks - 1; c++)
        {
            if (!SameRow(_thresholds, 0, c) || !SameRow(_table, 0, c))
                throw new InvalidOperationException($"{exponent.Name}: chunk {c} has other thresholds than chunk 0 though it is as long");
        }
    }

    /// <summary>Bits of a code.</summary>
    public int Width { get; }

    /// <summary>True when the codes read the chunk sums (else only the chunk's bits).</summary>
    public bool ReadsSums => _thresholds is not null;

    /// <summary>The code of a chunk with sum <paramref name="sum"/> and <paramref name="ones"/> one bits; <paramref name="isLast"/> marks the frame's last chunk.</summary>
    public RtlSignal Build(ModuleBuilder m, RtlSignal sum, RtlSignal ones, RtlSignal isLast)
    {
        var regular = CodeOf(m, 0, sum, ones);
        if (_chunks == 1 || (SameRow(_thresholds, 0, _chunks - 1) && SameRow(_table, 0, _chunks - 1))) return regular;
        return m.Mux(isLast, CodeOf(m, _chunks - 1, sum, ones), regular);
    }

    private RtlSignal CodeOf(ModuleBuilder m, int c, RtlSignal sum, RtlSignal ones)
    {
        RtlSignal code;
        if (_thresholds is not null)
        {
            // thresholds ascend; entries past the sum's width can never be reached (the row padding)
            var reached = new List<RtlSignal>();
            for (int k = 0; k < _thresholds.Shape[1]; k++)
            {
                long t = _thresholds[c, k];
                if (t >= (1L << Math.Min(62, sum.Width))) continue;
                reached.Add(AtLeastConstant(m, sum, t));
            }
            code = reached.Count == 0 ? m.Const(0, Width) : m.Fit(m.Popcount(m.Concat([.. reached])), false, Width);
        }
        else
        {
            code = m.Fit(m.ReduceOr(ones), false, Width);
        }
        if (_table is null) return code;
        // a nonzero code grows by table[c, ones]
        var step = m.Const(_table[c, 0], Width);
        for (int p = 1; p < _table.Shape[1]; p++)
        {
            if (p >= (1L << ones.Width)) break;
            step = m.Mux(m.Compare(RtlOp.Eq, ones, m.Const(p, ones.Width)), m.Const(_table[c, p], Width), step);
        }
        var zero = m.Compare(RtlOp.Eq, code, m.Const(0, Width));
        return m.Mux(zero, code, m.Add(code, step));
    }

    /// <summary>
    /// sum &gt;= t for a constant t in plain logic, no subtractor (which would take one carry cell
    /// per bit for each of the twenty-odd thresholds): a balanced tree over the bits, each range
    /// giving (greater, equal, at least) from its halves as a comparator's carry-lookahead does,
    /// so the depth grows with log2 of the width.
    /// </summary>
    private static RtlSignal AtLeastConstant(ModuleBuilder m, RtlSignal sum, long t) => Compare(m, sum, t, 0, sum.Width).AtLeast;

    private static (RtlSignal Greater, RtlSignal Equal, RtlSignal AtLeast) Compare(ModuleBuilder m, RtlSignal sum, long t, int low, int width)
    {
        if (width == 1)
        {
            var bit = m.Bit(sum, low);
            return ((t >> low) & 1) == 1 ? (m.Const(0, 1), bit, bit) : (bit, m.Not(bit), m.Const(1, 1));
        }
        int half = width / 2;
        var lo = Compare(m, sum, t, low, half);
        var hi = Compare(m, sum, t, low + half, width - half);
        return (m.Or(hi.Greater, m.And(hi.Equal, lo.Greater)), m.And(hi.Equal, lo.Equal), m.Or(hi.Greater, m.And(hi.Equal, lo.AtLeast)));
    }

    private static bool SameRow(IntTensorAttr? tensor, int a, int b) =>
        tensor is null || Enumerable.Range(0, tensor.Shape[1]).All(k => tensor[a, k] == tensor[b, k]);
}
