namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// Counts the LUTs of the live part of a <see cref="BitGraph"/>: each carry-chain sum bit is one
/// LUT beside its carry cell; a carry bit whose sum nobody reads (a comparison) is one LUT too;
/// the logic is covered by k-input LUTs: on LUT6 by priority cuts (<see cref="LutCutMapper"/>), on
/// LUT4 greedily (a gate absorbs a single-fanout gate feeding it while the cone's inputs stay
/// within k; an inverter is absorbed into every reader; only cone roots become LUTs).
/// </summary>
public static class LutPacker
{
    public sealed record Counts(int Luts, int Carries);

    /// <summary>LUTs and carry cells per (owner, class).</summary>
    public static Dictionary<(short Owner, LutClass Class), Counts> Pack(BitGraph g, bool[] live, IEnumerable<int> hardReads, int k)
    {
        int n = g.Count;
        var logicReads = new int[n];
        var hard = new bool[n];
        foreach (var node in hardReads) hard[node] = true;
        var liveSums = new HashSet<(int, int, int)>();
        for (int v = 2; v < n; v++)
        {
            if (!live[v]) continue;
            var op = g.Op(v);
            if (op == BitOp.Sum) liveSums.Add((g.In(v, 0), g.In(v, 1), g.In(v, 2)));
            for (int j = 0; j < g.Inputs(v); j++)
            {
                int u = g.In(v, j);
                if (IsLogic(g.Op(u)) && op is BitOp.Sum or BitOp.Carry)
                {
                    // an inverted operand is folded into the adder's LUT; anything else must arrive as a signal
                    if (g.Op(u) != BitOp.Not) hard[u] = true;
                    else if (!IsLogic(g.Op(g.In(u, 0)))) continue;
                    else hard[g.In(u, 0)] = true;
                }
                else logicReads[u]++;
            }
        }

        // LUT6: cut enumeration as abc maps in synth_xilinx (a node whose support fits one LUT is
        // one LUT, shared logic duplicated; LUT7/LUT8 allowed); LUT4 keeps the greedy cones its
        // coefficients were fitted on
        var luts = k <= 4 ? GreedyCones(g, live, hard, logicReads, k) : LutCutMapper.Map(g, live, hard, k, wide: true);

        var counts = new Dictionary<(short, LutClass), Counts>();
        void Count(int v, int luts, int carries)
        {
            var key = (g.OwnerOf(v), LutClasses.Of(g.Op(v), g.KindOf(v)));
            var c = counts.GetValueOrDefault(key) ?? new Counts(0, 0);
            counts[key] = new Counts(c.Luts + luts, c.Carries + carries);
        }
        for (int v = 2; v < n; v++)
        {
            if (!live[v]) continue;
            switch (g.Op(v))
            {
                case BitOp.Sum:
                    Count(v, k <= 4 ? 1 : PropagateLuts(g, v), 0);
                    break;
                case BitOp.Carry:
                    Count(v, liveSums.Contains((g.In(v, 0), g.In(v, 1), g.In(v, 2))) ? 0 : k <= 4 ? 1 : PropagateLuts(g, v), 1);
                    break;
                case var op when IsLogic(op):
                    if (luts[v] > 0) Count(v, luts[v], 0);
                    break;
            }
        }
        return counts;
    }

    /// <summary>
    /// The greedy cone packing kept for LUT4 (fitted against synth_ice40; the cut mapper measured no
    /// better there): per node, the LUTs it roots.
    /// </summary>
    private static int[] GreedyCones(BitGraph g, bool[] live, bool[] hard, int[] logicReads, int k)
    {
        int n = g.Count;
        var cuts = new int[n][];
        var absorbed = new int[n];
        var extra = new int[n];

        // a 4:1 multiplexer (two 2:1 under a third, the inner pair sharing a select) takes two LUT4
        // as abc maps it: the first passes the outer select through when it picks the other pair
        bool FourToOne(int v)
        {
            if (g.Op(v) != BitOp.Mux) return false;
            int t = g.In(v, 1), f = g.In(v, 2);
            bool Inner(int u) => g.Op(u) == BitOp.Mux && live[u] && !hard[u] && logicReads[u] == 1 && cuts[u] is { Length: <= 3 };
            return t != f && Inner(t) && Inner(f) && g.In(t, 0) == g.In(f, 0);
        }
        for (int v = 2; v < n; v++)
        {
            if (!live[v] || !IsLogic(g.Op(v))) continue;
            if (k == 4 && FourToOne(v))
            {
                int t = g.In(v, 1), f = g.In(v, 2);
                absorbed[t]++;
                absorbed[f]++;
                cuts[v] = [.. new[] { g.In(v, 0) }.Union(cuts[t]!).Union(cuts[f]!)];
                extra[v] = 1;
                continue;
            }
            var leaves = new List<int>();
            var fanins = Enumerable.Range(0, g.Inputs(v)).Select(j => g.In(v, j)).Distinct().ToList();
            foreach (var u in fanins) if (!leaves.Contains(u)) leaves.Add(u);
            foreach (var u in fanins.OrderBy(u => cuts[u]?.Length ?? int.MaxValue))
            {
                if (!IsLogic(g.Op(u)) || cuts[u] is null) continue;
                // abc duplicates a small cone into each reader it fits (an address decode into every word's select)
                bool single = g.Op(u) == BitOp.Not || (logicReads[u] == 1 && !hard[u]) || cuts[u].Length <= DuplicateLeaves;
                if (!single) continue;
                var merged = leaves.Where(x => x != u).Union(cuts[u]).ToList();
                if (merged.Count > k) continue;
                leaves = merged;
                absorbed[u]++;
            }
            cuts[v] = [.. leaves];
        }

        var luts = new int[n];
        for (int v = 2; v < n; v++)
        {
            var op = g.Op(v);
            if (!live[v] || !IsLogic(op)) continue;
            bool root = hard[v] || logicReads[v] > absorbed[v];
            // an inverter read only by LUTs lives inside them
            if (op == BitOp.Not && !hard[v]) root = false;
            luts[v] = (root ? 1 : 0) + extra[v];
        }
        return luts;
    }

    /// <summary>
    /// The LUTs of a 7-series carry-chain bit: CARRY4 adds the carry in itself (XORCY, MUXCY), so
    /// the bit's only LUT is the propagate, its two operands' XOR: none when one operand is a
    /// constant (a counter, a comparison with a constant: a wire or an inverter). The carry in is
    /// the operand that is the previous bit's carry; without one (the chain's first bits) a
    /// constant might be the carry in, so the bit keeps its LUT.
    /// </summary>
    private static int PropagateLuts(BitGraph g, int v)
    {
        int carry = -1;
        for (int j = 0; j < 3; j++) if (g.Op(g.In(v, j)) == BitOp.Carry) carry = j;
        if (carry < 0) return 1;
        for (int j = 0; j < 3; j++) if (j != carry && BitGraph.IsConst(g.In(v, j))) return 0;
        return 1;
    }

    /// <summary>A cone of at most this many inputs is copied into every reader it fits.</summary>
    public const int DuplicateLeaves = 2;

    public static bool IsLogic(BitOp op) => op is BitOp.Not or BitOp.And or BitOp.Or or BitOp.Xor or BitOp.Mux or BitOp.Maj;
}
