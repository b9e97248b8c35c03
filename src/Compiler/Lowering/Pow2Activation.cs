using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// The activation side of a pow2 binary layer: the sign bits and a pow2-exponent node whose code
/// c (&gt;= 1) means the chunk mean is 2^(LowestExponent + c - 1); code 0 means a zero mean. No
/// codes at all for +-1 bits, whose chunk mean is always 1.
/// </summary>
public sealed class Pow2Activation
{
    private readonly int[] _lowest;
    private readonly double[] _maxMean;

    private Pow2Activation(string bits, string? codes, int[] lowest, double[] maxMean)
    {
        Bits = bits;
        Codes = codes;
        _lowest = lowest;
        _maxMean = maxMean;
    }

    public string Bits { get; }
    public string? Codes { get; }

    /// <summary>The exponent of chunk c's mean when its code is 1.</summary>
    public int LowestExponent(int chunk) => _lowest[chunk];

    /// <summary>The largest exact chunk mean (for the declared bound against exact scales).</summary>
    public double MaxMean(int chunk) => _maxMean[chunk];

    public static Pow2Activation? Build(GraphBuilder graph, Node layer, int chunk, bool unipolar)
    {
        var x = graph[layer.Operands[0]];
        if (x.Type.Kind == ValueKind.Bits)
        {
            var chunks = new Chunks(x.Type.Length, chunk);
            if (x.Type.Encoding == BitEncoding.PlusMinus)
                return new Pow2Activation(x.Name, null, new int[chunks.Count], Enumerable.Repeat(1.0, chunks.Count).ToArray());
            var (table, lowest) = PopcountTable(chunks);
            var codes = AddCodes(graph, layer.Name, layer.Name + ".exp", [x.Name], chunks, null, table);
            return new Pow2Activation(x.Name, codes, lowest, Enumerable.Repeat(1.0, chunks.Count).ToArray());
        }

        if (ChunkInputs.IntegerSource(graph, layer, chunk) is not ({ } source, var binarize)) return null;
        bool twice = binarize is not null;
        var geometry = new Chunks(source.Type.Length, chunk);
        string prefix = binarize?.Name ?? layer.Name;
        var (bitsName, sumName) = ChunkInputs.BitsAndSums(graph, layer.Name, prefix, source, new ChunkInputs.Segment(source.Type.Length, source.Type.Length), geometry, unipolar);
        var sum = graph[sumName];

        var (thresholds, lowestOfSum) = Thresholds(geometry, source.Type.Scale, sum.Type.Max);
        var maxMean = Enumerable.Range(0, geometry.Count).Select(c => sum.Type.Max * source.Type.Scale / geometry.LengthOf(c)).ToArray();
        string codesName;
        int[] lowestExponent = lowestOfSum;
        if (twice && unipolar)
        {
            // the seed's second binarization of 0/1 values: the mean gains a factor P2(popcount / n)
            var (table, lowestOfPopcount) = PopcountTable(geometry);
            codesName = AddCodes(graph, layer.Name, prefix + ".exp", [sumName, bitsName], geometry, thresholds, table);
            lowestExponent = lowestOfSum.Zip(lowestOfPopcount, (a, b) => a + b).ToArray();
        }
        else
        {
            codesName = AddCodes(graph, layer.Name, prefix + ".exp", [sumName], geometry, thresholds, null);
        }
        if (binarize is not null) graph.Remove(binarize.Name);
        return new Pow2Activation(bitsName, codesName, lowestExponent, maxMean);
    }

    private static string AddCodes(GraphBuilder graph, string before, string name, string[] operands, Chunks chunks, IntTensorAttr? thresholds, IntTensorAttr? table)
    {
        name = graph.Fresh(name);
        var attrs = new List<(string, Attr)> { ("chunk", new IntAttr(chunks.Size)) };
        if (thresholds is not null) attrs.Add(("thresholds", thresholds));
        if (table is not null) attrs.Add(("popcount-table", table));
        var node = new Node(name, Ops.Pow2Exponent, operands, GraphType.Int(chunks.Count, 0, 0, 1), [.. attrs]);
        graph.InsertBefore(before, node with { Type = RangeRules.Infer(node, n => graph[n].Type) });
        return name;
    }

    /// <summary>
    /// Per chunk, the sums at which the rounded mean P2(S s / n_c) reaches each next power of two,
    /// starting with 1 (the first nonzero sum). Rows are padded with sums that cannot occur.
    /// </summary>
    private static (IntTensorAttr Thresholds, int[] Lowest) Thresholds(Chunks chunks, double scale, long maxSum)
    {
        var rows = new List<long>[chunks.Count];
        var lowest = new int[chunks.Count];
        for (int c = 0; c < chunks.Count; c++)
        {
            int n = chunks.LengthOf(c);
            int Exponent(long s) => Math.ILogB(Hadamard.RoundToPowerOfTwo(s * scale / n));
            rows[c] = [1];
            if (maxSum < 1) continue;
            lowest[c] = Exponent(1);
            for (int e = lowest[c] + 1; e <= Exponent(maxSum); e++)
            {
                long lo = 1, hi = maxSum;
                while (lo < hi)
                {
                    long mid = lo + ((hi - lo) / 2);
                    if (Exponent(mid) >= e) hi = mid;
                    else lo = mid + 1;
                }
                rows[c].Add(lo);
            }
        }
        int width = rows.Max(r => r.Count);
        var data = rows.SelectMany(r => r.Concat(Enumerable.Repeat(maxSum + 1, width - r.Count))).ToArray();
        return (new IntTensorAttr([chunks.Count, width], data), lowest);
    }

    /// <summary>table[c, p] = log2 P2(p / n_c) - log2 P2(1 / n_c) for p = 1..n_c (0 for p = 0 and unused entries).</summary>
    private static (IntTensorAttr Table, int[] Lowest) PopcountTable(Chunks chunks)
    {
        int width = chunks.Largest + 1;
        var data = new long[chunks.Count * width];
        var lowest = new int[chunks.Count];
        for (int c = 0; c < chunks.Count; c++)
        {
            int n = chunks.LengthOf(c);
            lowest[c] = Math.ILogB(Hadamard.RoundToPowerOfTwo(1.0 / n));
            for (int p = 1; p <= n; p++) data[(c * width) + p] = Math.ILogB(Hadamard.RoundToPowerOfTwo((double)p / n)) - lowest[c];
        }
        return (new IntTensorAttr([chunks.Count, width], data), lowest);
    }
}
