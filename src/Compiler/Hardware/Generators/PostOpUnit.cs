using System.Numerics;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The elementwise ops after a matrix-vector unit, for PE lanes at once: shift, relu, clamp,
/// threshold (x &gt;= t, x &lt;= t, always, never), thresholds (an n-bit level, <see cref="ThresholdLevels"/>), scale ((x * mul + add) &gt;&gt; shift by shift-add).
/// Constants that differ between neurons come from one ROM addressed by the neuron fold, read one
/// cycle before the values arrive; constants shared by all neurons are wired in.
/// </summary>
public sealed class PostOpUnit
{
    private readonly IReadOnlyList<PostOp> _ops;
    private readonly int _pe;
    private readonly int _folds;
    private readonly List<Field> _fields = [];

    private sealed record Field(int Op, string Key, int Width, Func<int, BigInteger> Word);

    public PostOpUnit(IReadOnlyList<PostOp> ops, int pe, int folds)
    {
        _ops = ops;
        _pe = pe;
        _folds = folds;
        for (int i = 0; i < ops.Count; i++)
        {
            var node = ops[i].Node;
            if (node.Op == Ops.Threshold && node.Find("t") is IntTensorAttr)
            {
                var (bounds, modes) = ThresholdTables(node);
                int width = Math.Max(1, BitWidth.ToHoldSigned(bounds.Min(), bounds.Max()));
                _fields.Add(new Field(i, "bound", width, j => Arithmetic.Word(bounds[j], width)));
                _fields.Add(new Field(i, "mode", 2, j => modes[j]));
            }
            if (node.Op == Ops.Thresholds)
            {
                var (bounds, modes) = ThresholdLevels.Tables(node);
                for (int k = 0; k < bounds.Length; k++)
                {
                    var (b, md) = (bounds[k], modes[k]);
                    int width = Math.Max(1, BitWidth.ToHoldSigned(b.Min(), b.Max()));
                    _fields.Add(new Field(i, $"bound{k}", width, j => Arithmetic.Word(b[j], width)));
                    _fields.Add(new Field(i, $"mode{k}", 2, j => md[j]));
                }
                if (node.Find("base") is IntTensorAttr levelBase)
                {
                    int width = BitWidth.ToHoldSigned(levelBase.Data.Min(), levelBase.Data.Max());
                    _fields.Add(new Field(i, "base", width, j => Arithmetic.Word(levelBase.Data[j], width)));
                }
            }
            if (node.Op == Ops.Scale)
            {
                foreach (var key in new[] { "mul", "add" })
                {
                    if (node.Get(key) is not IntTensorAttr tensor) continue;
                    int width = BitWidth.ToHoldSigned(tensor.Data.Min(), tensor.Data.Max());
                    _fields.Add(new Field(i, key, width, j => Arithmetic.Word(tensor.Data[j], width)));
                }
            }
        }
    }

    /// <summary>Threshold modes: 0 x &gt;= bound, 1 x &lt;= bound, 2 always, 3 never.</summary>
    private static (long[] Bounds, long[] Modes) ThresholdTables(Node node)
    {
        int n = node.Type.Length;
        var bounds = new long[n];
        var modes = new long[n];
        for (int j = 0; j < n; j++)
        {
            long t = node.IntElement("t", j);
            long dir = node.Find("dir") is null ? 1 : node.IntElement("dir", j);
            (bounds[j], modes[j]) = dir switch
            {
                > 0 => (t, 0L),
                < 0 => (-t, 1L),
                _ => (0L, t <= 0 ? 2L : 3L),
            };
        }
        return (bounds, modes);
    }

    /// <summary>True when some constant needs the ROM (and so an address one cycle ahead).</summary>
    public bool NeedsRom => _fields.Count > 0;

    /// <summary>
    /// Applies the ops to <paramref name="values"/> (one per lane, of <paramref name="type"/>,
    /// marked by <paramref name="valid"/>); <paramref name="foldAhead"/> is the neuron fold of
    /// those values, one cycle earlier. When results come at most every
    /// <paramref name="cyclesPerResult"/> cycles, a scale's product is computed serially within
    /// that time. Returns the results, their valid signal and the cycles the ops took.
    /// </summary>
    public (IReadOnlyList<RtlSignal> Results, RtlSignal Valid, int Latency) Build(ModuleBuilder m, IReadOnlyList<RtlSignal> values, GraphType type,
        RtlSignal? foldAhead, RtlSignal valid, int cyclesPerResult)
    {
        RtlSignal? rom = null;
        int laneBits = _fields.Sum(f => f.Width);
        if (NeedsRom)
        {
            var words = new List<BigInteger>();
            for (int fold = 0; fold < _folds; fold++)
            {
                BigInteger word = 0;
                for (int lane = _pe - 1; lane >= 0; lane--)
                {
                    foreach (var f in _fields.AsEnumerable().Reverse()) word = (word << f.Width) | f.Word((fold * _pe) + lane);
                }
                words.Add(word);
            }
            rom = m.Rom("post", laneBits * _pe, words, foldAhead ?? throw new InvalidOperationException("post-op ROM needs the fold one cycle ahead"));
        }

        var results = values.ToList();
        var current = type;
        int latency = 0;
        // after a serial op the ROM fields of this result are held from its start (starts are far enough apart)
        RtlSignal? heldSince = null;
        for (int i = 0; i < _ops.Count; i++)
        {
            var node = _ops[i].Node;
            var capture = heldSince;
            RtlSignal FieldAt(int lane, string key)
            {
                var field = FieldOf(m, rom!, lane, laneBits, i, key);
                return capture is null ? field : m.Hold(field, capture, "post_field");
            }
            if (node.Op == Ops.Scale && SerialScaleCycles(node, current) is { } bits && SerialScaleLatency(bits) <= cyclesPerResult)
            {
                var start = m.DelayReset(valid, latency, "post_start");
                heldSince ??= start;
                results = [.. results.Select((x, lane) => SerialScale(m, node, x, current, start, key => FieldAt(lane, key), lane))];
                latency += SerialScaleLatency(bits);
            }
            else
            {
                results = [.. results.Select((x, lane) => Apply(m, node, x, current, key => FieldAt(lane, key)))];
            }
            current = node.Type;
        }
        return (results, m.DelayReset(valid, latency, "post_valid"), latency);
    }

    /// <summary>Cycles of a serial scale product (one multiplier bit a cycle), or null for a scalar multiplier.</summary>
    private static int? SerialScaleCycles(Node node, GraphType type) =>
        node.Get("mul") is IntTensorAttr mul ? BitWidth.ToHoldSigned(mul.Data.Min(), mul.Data.Max()) : null;

    private static RtlSignal SerialScale(ModuleBuilder m, Node node, RtlSignal x, GraphType type, RtlSignal start, Func<string, RtlSignal> field, int lane)
    {
        var (signed, _) = Arithmetic.Shape(type);
        var (outSigned, outWidth) = Arithmetic.Shape(node.Type);
        BigInteger xMax = BigInteger.Max(BigInteger.Abs(type.Min), BigInteger.Abs(type.Max));
        BigInteger bound = (xMax * MaxMagnitude(node, "mul")) + MaxMagnitude(node, "add");
        int width = BitWidth.ToHoldSigned(-bound, bound);
        var product = SerialProduct.Build(m, start, x, signed, field("mul"), width, 1, $"scale{lane}");
        var add = node.Get("add") is IntTensorAttr ? field("add") : m.SignedConst(node.Int("add"), BitWidth.ToHoldSigned(node.Int("add"), node.Int("add")));
        // the add field was read with the operands; hold it until the product is done
        var heldAdd = m.Hold(add, start, "scale_add");
        // registered: results are far apart, and the ops after the scale then start a new path
        var sum = m.Delay(m.Add(product.Result, m.Fit(heldAdd, true, width)), 1, "scale_sum");
        return m.Fit(m.ShiftRightArithmetic(sum, (int)node.Int("shift")), outSigned, outWidth);
    }

    /// <summary>Cycles a serial scale takes: one per multiplier bit, and one for the sum register.</summary>
    private static int SerialScaleLatency(int multiplierBits) => multiplierBits + 1;

    private RtlSignal FieldOf(ModuleBuilder m, RtlSignal rom, int lane, int laneBits, int op, string key)
    {
        int offset = lane * laneBits;
        foreach (var f in _fields)
        {
            if (f.Op == op && f.Key == key) return m.Slice(rom, offset, f.Width);
            offset += f.Width;
        }
        throw new InvalidOperationException($"no ROM field {key} for post-op {op}");
    }

    private static RtlSignal Apply(ModuleBuilder m, Node node, RtlSignal x, GraphType type, Func<string, RtlSignal> field)
    {
        var (signed, _) = Arithmetic.Shape(type);
        var (outSigned, outWidth) = Arithmetic.Shape(node.Type);
        switch (node.Op)
        {
            case Ops.Shift:
            {
                int amount = (int)node.Int("amount");
                var shifted = signed ? m.ShiftRightArithmetic(x, amount) : m.ShiftRightLogical(x, amount);
                return m.Fit(shifted, signed, outWidth);
            }
            case Ops.Relu:
            {
                if (!signed) return m.Fit(x, false, outWidth);
                var negative = m.Bit(x, x.Width - 1);
                return m.Fit(m.Mux(negative, m.Const(0, x.Width), x), false, outWidth);
            }
            case Ops.Clamp:
            {
                if (PowerOfTwoClamp.TryBuild(m, x, signed, node.Int("lo"), node.Int("hi")) is { } saturated)
                    return m.Fit(saturated, true, outWidth);
                var lo = m.SignedConst(node.Int("lo"), x.Width);
                var hi = m.SignedConst(node.Int("hi"), x.Width);
                var wide = m.Fit(x, signed, x.Width);
                var clipped = m.Mux(m.AtLeast(lo, true, wide, signed), lo, m.Mux(m.AtLeast(wide, signed, hi, true), hi, wide));
                return m.Fit(clipped, true, outWidth);
            }
            case Ops.Threshold:
                return Threshold(m, node, x, signed, field);
            case Ops.PwlSigmoid:
                return PwlSigmoid(m, node, x, signed, outWidth);
            case Ops.Thresholds:
                return ThresholdLevels.Apply(m, node, x, signed, field);
            case Ops.Scale:
            {
                // |x * mul + add| <= max|x| * max|mul| + max|add|, whatever the output range says
                BigInteger xMax = BigInteger.Max(BigInteger.Abs(type.Min), BigInteger.Abs(type.Max));
                BigInteger bound = (xMax * MaxMagnitude(node, "mul")) + MaxMagnitude(node, "add");
                int width = BitWidth.ToHoldSigned(-bound, bound);
                var mul = node.Get("mul") is IntTensorAttr ? field("mul") : m.SignedConst(node.Int("mul"), BitWidth.ToHoldSigned(node.Int("mul"), node.Int("mul")));
                var add = node.Get("add") is IntTensorAttr ? field("add") : m.SignedConst(node.Int("add"), BitWidth.ToHoldSigned(node.Int("add"), node.Int("add")));
                var (product, latency) = m.ShiftAddProduct(x, signed, mul, true, width, "scale", pipelined: false);
                if (latency != 0) throw new InvalidOperationException("the scale post-op's product must be combinational");
                var sum = m.Add(product, m.Fit(add, true, width));
                return m.Fit(m.ShiftRightArithmetic(sum, (int)node.Int("shift")), outSigned, outWidth);
            }
            default:
                throw new InvalidOperationException($"no post-op generator for {node.Op}");
        }
    }

    /// <summary>
    /// PLAN as IntegerOps.PwlSigmoid: a = |x|; y = 1, a/32 + 27/32, a/8 + 5/8 or a/4 + 1/2 by
    /// comparisons of a with constants (a * 8 &gt;= 19 as a &gt;= ceil(19/8)); constant shifts and one
    /// add per segment, then 1 - y for negative x. Segments are computed on frac + 2 bits: the
    /// chosen one is below 2^(frac+1), the others may wrap but are not chosen.
    /// </summary>
    private static RtlSignal PwlSigmoid(ModuleBuilder m, Node node, RtlSignal x, bool signed, int outWidth)
    {
        int inFrac = (int)node.Int("in-frac"), frac = (int)node.Int("frac");
        var a = signed ? m.Magnitude(x) : x;
        int width = frac + 2;
        RtlSignal Segment(int slopeShift, long offset)
        {
            int left = frac - inFrac - slopeShift;
            var shifted = left >= 0 ? m.ShiftLeft(m.Fit(a, false, a.Width + left), left) : m.ShiftRightLogical(a, -left);
            return m.Add(m.Fit(shifted, false, width), m.Const(offset, width));
        }
        RtlSignal AtLeast(BigInteger bound) => m.AtLeast(a, false, m.Const(bound, (int)bound.GetBitLength() + 1), false);
        var one = m.Const(BigInteger.One << frac, width);
        var y = Segment(2, 1L << (frac - 1));
        y = m.Mux(AtLeast(BigInteger.One << inFrac), Segment(3, 5L << (frac - 3)), y);
        y = m.Mux(AtLeast((((BigInteger)19 << inFrac) + 7) / 8), Segment(5, 27L << (frac - 5)), y);
        y = m.Mux(AtLeast((BigInteger)5 << inFrac), one, y);
        if (signed) y = m.Mux(m.Bit(x, x.Width - 1), m.Sub(one, y), y);
        return m.Fit(y, false, outWidth);
    }

    private static RtlSignal Threshold(ModuleBuilder m, Node node, RtlSignal x, bool signed, Func<string, RtlSignal> field)
    {
        if (node.Find("t") is IntAttr scalar && node.Find("dir") is null)
            return m.AtLeast(x, signed, m.SignedConst(scalar.Value, BitWidth.ToHoldSigned(scalar.Value, scalar.Value)), true);
        var bound = field("bound");
        var mode = field("mode");
        var atLeast = m.AtLeast(x, signed, bound, true);
        var atMost = m.AtLeast(bound, true, x, signed);
        var low = m.Mux(m.Bit(mode, 0), atMost, atLeast);
        var high = m.Not(m.Bit(mode, 0));
        return m.Mux(m.Bit(mode, 1), high, low);
    }

    private static BigInteger MaxMagnitude(Node node, string key) => node.Get(key) switch
    {
        IntTensorAttr t => BigInteger.Max(BigInteger.Abs(t.Data.Min()), BigInteger.Abs(t.Data.Max())),
        IntAttr v => BigInteger.Abs(v.Value),
        _ => 0,
    };
}
