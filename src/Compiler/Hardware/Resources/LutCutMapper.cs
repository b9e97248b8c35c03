namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// Covers the logic of a <see cref="BitGraph"/> with k-input LUTs the way abc's LUT mapper does:
/// each node keeps a few priority cuts (sets of at most k leaves that determine it, merged from its
/// fanins' cuts), ranked by area flow; the cover then takes, from every signal that must exist, the
/// best cut of each node it needs. A node whose whole support fits in k inputs is one LUT even when
/// the nodes inside have other readers (abc duplicates such small shared logic), which a greedy
/// single-fanout packer cannot see: the 6:3 compressor tables, whose outputs share multiplexer
/// nodes, become one LUT6 per output here as in synth_xilinx.
/// Inverters are no nodes of their own: a LUT reads through them.
/// </summary>
public static class LutCutMapper
{
    /// <summary>Cuts kept per node (abc's default for priority cuts is 8).</summary>
    public const int CutsPerNode = 8;

    private readonly record struct Cut(int[] Leaves, ulong Signature, float Cost);

    /// <summary>Per node, the LUTs it roots (0 or 1).</summary>
    public static int[] Map(BitGraph g, bool[] live, bool[] hard, int k)
    {
        int n = g.Count;
        int Rep(int u) => g.Op(u) == BitOp.Not ? g.In(u, 0) : u;
        bool Mappable(int u) => u > BitGraph.One && LutPacker.IsLogic(g.Op(u)) && g.Op(u) != BitOp.Not;

        // readers per node, inverters looked through: the area flow shares a node's cost among them
        var fanout = new int[n];
        var fanins = new int[3];
        for (int v = 2; v < n; v++)
        {
            if (!live[v]) continue;
            if (hard[v]) fanout[Rep(v)]++;
            if (!Mappable(v)) continue;
            int m = Fanins(g, v, fanins, Rep);
            for (int j = 0; j < m; j++) fanout[fanins[j]]++;
        }

        var cuts = new Cut[n][];
        var flow = new float[n];
        List<Cut> candidates = [];
        var merged = new List<Cut>();
        for (int v = 2; v < n; v++)
        {
            if (!live[v] || !Mappable(v)) continue;
            int m = Fanins(g, v, fanins, Rep);
            candidates.Clear();
            AddCutsOf(fanins[0], candidates);
            for (int j = 1; j < m; j++)
            {
                merged.Clear();
                var right = new List<Cut>();
                AddCutsOf(fanins[j], right);
                foreach (var a in candidates)
                    foreach (var b in right)
                    {
                        if ((int)ulong.PopCount(a.Signature | b.Signature) > k) continue;
                        var leaves = Union(a.Leaves, b.Leaves, k);
                        if (leaves is not null) merged.Add(new Cut(leaves, a.Signature | b.Signature, CostOf(leaves)));
                    }
                candidates.Clear();
                candidates.AddRange(Best(merged, j == m - 1 ? CutsPerNode : 2 * CutsPerNode));
            }
            if (m == 1) candidates = Best([.. candidates.Select(c => c with { Cost = CostOf(c.Leaves) })], CutsPerNode);
            cuts[v] = [.. candidates];
            flow[v] = cuts[v][0].Cost / Math.Max(1, fanout[v]);
        }

        // the cover: every signal something outside the logic reads, then the leaves of the cuts chosen
        var luts = new int[n];
        var stack = new Stack<int>();
        for (int v = 2; v < n; v++)
            if (live[v] && hard[v] && LutPacker.IsLogic(g.Op(v))) stack.Push(v);
        var done = new bool[n];
        while (stack.Count > 0)
        {
            int v = stack.Pop();
            if (done[v]) continue;
            done[v] = true;
            luts[v] = 1; // a read inverter of a port or flip-flop is a LUT1
            int x = Rep(v);
            if (!Mappable(x)) continue;
            foreach (var leaf in cuts[x][0].Leaves)
                if (Mappable(leaf) && !done[leaf]) stack.Push(leaf);
        }
        return luts;

        void AddCutsOf(int u, List<Cut> into)
        {
            into.Add(new Cut([u], Bit(u), flow[u]));
            if (Mappable(u) && cuts[u] is { } own) into.AddRange(own);
        }

        float CostOf(int[] leaves)
        {
            float c = 1;
            foreach (var l in leaves) c += flow[l];
            return c;
        }
    }

    /// <summary>The distinct fanins of a logic node, inverters looked through.</summary>
    private static int Fanins(BitGraph g, int v, int[] into, Func<int, int> rep)
    {
        int m = 0;
        for (int j = 0; j < g.Inputs(v); j++)
        {
            int u = rep(g.In(v, j));
            if (u <= BitGraph.One) continue;
            bool seen = false;
            for (int i = 0; i < m; i++) seen |= into[i] == u;
            if (!seen) into[m++] = u;
        }
        return m;
    }

    private static ulong Bit(int node) => 1UL << (int)((uint)node * 2654435761u >> 26);

    /// <summary>The sorted union of two sorted leaf sets, or null when it has more than k leaves.</summary>
    private static int[]? Union(int[] a, int[] b, int k)
    {
        Span<int> buffer = stackalloc int[16];
        int i = 0, j = 0, m = 0;
        while (i < a.Length || j < b.Length)
        {
            int next;
            if (j == b.Length || (i < a.Length && a[i] < b[j])) next = a[i++];
            else if (i == a.Length || b[j] < a[i]) next = b[j++];
            else { next = a[i++]; j++; }
            if (m == k) return null;
            buffer[m++] = next;
        }
        return buffer[..m].ToArray();
    }

    /// <summary>The cheapest cuts (area flow, then fewer leaves), without duplicates or a cut containing a cheaper one.</summary>
    private static List<Cut> Best(List<Cut> all, int keep)
    {
        all.Sort((x, y) => x.Cost != y.Cost ? x.Cost.CompareTo(y.Cost) : x.Leaves.Length.CompareTo(y.Leaves.Length));
        var kept = new List<Cut>(keep);
        foreach (var c in all)
        {
            bool dominated = false;
            foreach (var d in kept)
                if ((d.Signature & ~c.Signature) == 0 && Contains(c.Leaves, d.Leaves)) { dominated = true; break; }
            if (dominated) continue;
            kept.Add(c);
            if (kept.Count == keep) break;
        }
        return kept;
    }

    private static bool Contains(int[] outer, int[] inner)
    {
        int i = 0;
        foreach (var x in inner)
        {
            while (i < outer.Length && outer[i] < x) i++;
            if (i == outer.Length || outer[i] != x) return false;
        }
        return true;
    }
}
