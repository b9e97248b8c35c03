using System.Numerics;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Compression;

/// <summary>What a compressor tree is made of: lookup tables by their number of inputs, the final carry adder's bits, levels, and registers.</summary>
public sealed record CompressorCost(IReadOnlyList<int> TablesByInputs, int AdderBits, int Levels, int RegisterBits)
{
    /// <summary>Lookup tables of two or more inputs (a one-input table is a wire or an inverter).</summary>
    public int Tables => TablesByInputs.Skip(2).Sum();
}

/// <summary>
/// Reduces a <see cref="ColumnSum"/> to one number with explicit counters built from lookup
/// tables, level by level (Wallace), then one carry adder of the last two rows. On
/// <see cref="LogicFabric.Lut6"/> a counter takes up to six table inputs: three XNOR/AND pairs
/// (the pair's gate lands in the counter's own LUTs) or six plain bits (a 6:3 counter), one LUT
/// per output bit; on <see cref="LogicFabric.Lut4"/> pairs become single gates and the counters
/// are 3:2 full adders. A table is a constant shifted by its inputs, which yosys maps to exactly
/// one LUT per output, and which the simulator evaluates like any cell. The same code counts the
/// tables without building them, which is what the resource model charges.
/// </summary>
public sealed class CompressorTree
{
    private const int MaxCount = 7; // a counter's output is at most three bits

    private readonly ModuleBuilder? _m;
    private readonly LogicFabric _fabric;
    private readonly string _name;
    private readonly int[] _tables = new int[7];
    private readonly RtlSignal _placeholder = new("counted", 1, SignalKind.Wire);
    private int _levels;
    private int _registerBits;

    private CompressorTree(ModuleBuilder? m, LogicFabric fabric, string name)
    {
        _m = m;
        _fabric = fabric;
        _name = name;
    }

    /// <summary>
    /// Builds the tree; with <paramref name="registerEvery"/> &gt; 0 the terms are registered after
    /// every that many levels. Returns the sum (Width bits, modulo 2^Width) and the registers it passed.
    /// </summary>
    public static (RtlSignal Sum, int Latency) Build(ModuleBuilder m, ColumnSum sum, LogicFabric fabric, string name, int registerEvery = 0)
    {
        var tree = new CompressorTree(m, fabric, name);
        var (value, latency) = tree.Reduce(sum.Width, sum.Columns, registerEvery);
        return (value!, latency);
    }

    /// <summary>What <see cref="Build"/> would make for columns holding these numbers of pairs and plain bits (and constant <paramref name="constant"/>).</summary>
    public static CompressorCost Count(int width, IReadOnlyList<int> pairs, IReadOnlyList<int> bits, LogicFabric fabric, BigInteger constant = default, int registerEvery = 0)
    {
        var tree = new CompressorTree(null, fabric, "count");
        var columns = new List<List<SumTerm>>();
        for (int j = 0; j < width; j++)
        {
            var column = new List<SumTerm>();
            for (int i = 0; i < (j < pairs.Count ? pairs[j] : 0); i++) column.Add(new SumTerm(tree._placeholder, tree._placeholder, PairOp.Xnor, false));
            for (int i = 0; i < (j < bits.Count ? bits[j] : 0); i++) column.Add(new SumTerm(tree._placeholder, null, PairOp.Xnor, false));
            columns.Add(column);
        }
        var modulus = BigInteger.One << width;
        var c = ((constant % modulus) + modulus) % modulus;
        for (int j = 0; j < width; j++) if (!((c >> j) & 1).IsZero) columns[j].Add(SumTerm.One);
        tree.Reduce(width, columns, registerEvery);
        int adderBits = tree._adderBits;
        return new CompressorCost(tree._tables, adderBits, tree._levels, tree._registerBits);
    }

    /// <summary>The cost of a popcount of <paramref name="pairs"/> pairs and <paramref name="bits"/> plain bits (one column).</summary>
    public static CompressorCost CountPopcount(int pairs, int bits, LogicFabric fabric) =>
        Count(BitWidth.ToHold(pairs + bits), [pairs], [bits], fabric);

    private int _adderBits;

    private (RtlSignal? Value, int Latency) Reduce(int width, IReadOnlyList<IReadOnlyList<SumTerm>> input, int registerEvery)
    {
        var columns = Normalize(width, input);
        int latency = 0;
        while (columns.Any(c => c.Count > 2 || c.Any(t => t.IsPair)))
        {
            var next = Enumerable.Range(0, width).Select(_ => new List<SumTerm>()).ToList();
            for (int j = 0; j < width; j++) ReduceColumn(columns[j], j, next);
            columns = next;
            _levels++;
            if (registerEvery > 0 && _levels % registerEvery == 0 && columns.Any(c => c.Count > 2 || c.Any(t => t.IsPair)))
            {
                columns = Register(columns);
                latency++;
            }
        }
        return (FinalAdd(width, columns), latency);
    }

    /// <summary>Constant ones in a column are at most one per column: two ones are a one in the next.</summary>
    private static List<List<SumTerm>> Normalize(int width, IReadOnlyList<IReadOnlyList<SumTerm>> input)
    {
        BigInteger constant = 0;
        var columns = new List<List<SumTerm>>();
        for (int j = 0; j < width; j++)
        {
            var column = j < input.Count ? input[j] : [];
            constant += column.Count(t => t.IsOne) * (BigInteger.One << j);
            columns.Add([.. column.Where(t => !t.IsOne)]);
        }
        for (int j = 0; j < width; j++)
            if (!((constant >> j) & 1).IsZero) columns[j].Add(SumTerm.One);
        return columns;
    }

    /// <summary>
    /// One level of one column: counters over groups of terms (pairs first), each as wide as its
    /// count needs; what cannot form a group that removes a term passes on, except pairs, which
    /// become single gates so that the last rows are plain bits.
    /// </summary>
    private void ReduceColumn(List<SumTerm> terms, int column, List<List<SumTerm>> next)
    {
        var queue = new Queue<SumTerm>(terms.OrderByDescending(t => t.Inputs));
        int maxInputs = _fabric.TableInputs();
        bool reduce = terms.Count > 2;
        while (reduce && queue.Count >= 3)
        {
            var group = new List<SumTerm>();
            int inputs = 0;
            var skipped = new List<SumTerm>();
            while (queue.Count > 0 && group.Count < MaxCount)
            {
                var t = queue.Peek();
                if (inputs + t.Inputs > maxInputs)
                {
                    // a pair that does not fit may leave room for plain bits behind it
                    if (t.IsPair && queue.Any(u => !u.IsPair)) { skipped.Add(queue.Dequeue()); continue; }
                    break;
                }
                group.Add(queue.Dequeue());
                inputs += t.Inputs;
            }
            foreach (var s in skipped.AsEnumerable().Reverse()) Requeue(queue, s);
            if (group.Count < 3)
            {
                foreach (var t in group.AsEnumerable().Reverse()) Requeue(queue, t);
                break;
            }
            var outputs = Counter(group);
            for (int b = 0; b < outputs.Count; b++)
                if (column + b < next.Count) next[column + b].Add(outputs[b]);
        }
        foreach (var t in queue)
            next[column].Add(t.IsPair ? Counter([t])[0] : t);
    }

    private static void Requeue(Queue<SumTerm> queue, SumTerm term)
    {
        var rest = queue.ToList();
        queue.Clear();
        queue.Enqueue(term);
        foreach (var r in rest) queue.Enqueue(r);
    }

    /// <summary>The count of <paramref name="group"/> as ToHold(count) output bits, one lookup table each.</summary>
    private List<SumTerm> Counter(IReadOnlyList<SumTerm> group)
    {
        var inputs = new List<RtlSignal>();
        foreach (var t in group)
        {
            if (t.A is { } a) inputs.Add(a);
            if (t.W is { } w) inputs.Add(w);
        }
        int outputs = BitWidth.ToHold(group.Count);
        if (_m is null)
        {
            _tables[Math.Min(inputs.Count, 6)] += outputs;
            return [.. Enumerable.Range(0, outputs).Select(_ => new SumTerm(_placeholder, null, PairOp.Xnor, false))];
        }
        var result = new List<SumTerm>();
        for (int b = 0; b < outputs; b++)
        {
            BigInteger table = 0;
            for (int index = 0; index < 1 << inputs.Count; index++)
            {
                int count = 0, position = 0;
                foreach (var t in group)
                {
                    int a = t.A is null ? 0 : (index >> position++) & 1;
                    int w = t.W is null ? 0 : (index >> position++) & 1;
                    count += t.Value(a, w);
                }
                if (((count >> b) & 1) != 0) table |= BigInteger.One << index;
            }
            result.Add(Table(inputs, table));
        }
        return result;
    }

    /// <summary>One lookup table: bit <c>index</c> of <paramref name="table"/>, where input i is bit i of the index.</summary>
    private SumTerm Table(IReadOnlyList<RtlSignal> inputs, BigInteger table)
    {
        int k = inputs.Count;
        var full = (BigInteger.One << (1 << k)) - 1;
        if (table.IsZero) return new SumTerm(Zero(), null, PairOp.Xnor, false);
        if (table == full) return SumTerm.One;
        _tables[Math.Min(k, 6)]++;
        if (k == 1) return new SumTerm(inputs[0], null, PairOp.Xnor, Inverted: table == 1);
        if (_m is null) return new SumTerm(_placeholder, null, PairOp.Xnor, false);
        var index = _m.Concat([.. inputs.Reverse()]);
        var bit = _m.Bit(_m.Shift(RtlOp.Shr, _m.Const(table, 1 << k, _name + "_lut"), index), 0);
        return new SumTerm(bit, null, PairOp.Xnor, false);
    }

    private RtlSignal Zero() => _m is null ? _placeholder : _m.Const(0, 1);

    private List<List<SumTerm>> Register(List<List<SumTerm>> columns)
    {
        var registered = new Dictionary<RtlSignal, RtlSignal>();
        RtlSignal? Reg(RtlSignal? s)
        {
            if (s is null) return null;
            if (!registered.TryGetValue(s, out var q))
            {
                _registerBits++;
                q = _m is null ? _placeholder : _m.Delay(s, 1, _name + "_stage");
                registered[s] = q;
            }
            return q;
        }
        return [.. columns.Select(c => c.Select(t => t with { A = Reg(t.A), W = Reg(t.W) }).ToList())];
    }

    /// <summary>The last two rows (at most two terms per column) added by one carry adder.</summary>
    private RtlSignal? FinalAdd(int width, List<List<SumTerm>> columns)
    {
        int top = columns.FindLastIndex(c => c.Count > 0) + 1;
        bool twoRows = columns.Any(c => c.Count == 2);
        if (twoRows) _adderBits += width - columns.FindIndex(c => c.Count == 2);
        if (_m is null) return null;
        RtlSignal Bit(SumTerm? t) => t is null ? _m.Const(0, 1) : t.IsOne ? _m.Const(1, 1) : t.Inverted ? _m.Not(t.A!) : t.A!;
        RtlSignal Row(int r) => top == 0 ? _m.Const(0, width)
            : _m.Fit(_m.Concat([.. Enumerable.Range(0, top).Reverse().Select(j => Bit(columns[j].Count > r ? columns[j][r] : null))]), false, width);
        var first = Row(0);
        return twoRows ? _m.Add(first, Row(1)) : first;
    }
}
