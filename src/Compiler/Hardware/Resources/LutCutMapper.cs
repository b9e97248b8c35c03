namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// Covers the logic of a <see cref="BitGraph"/> with k-input LUTs the way abc's LUT mapper does:
/// each node keeps a few priority cuts (sets of at most k leaves that determine it, merged from its
/// fanins' cuts), ranked by depth, then by area flow; the cover then takes, from every signal that must exist, the
/// best cut of each node it needs. A node whose whole support fits in k inputs is one LUT even when
/// the nodes inside have other readers (abc duplicates such small shared logic), which a greedy
/// single-fanout packer cannot see: the 6:3 compressor tables, whose outputs share multiplexer
/// nodes, become one LUT6 per output here as in synth_xilinx.
/// Inverters are no nodes of their own: a LUT reads through them. (Measured against synth_xilinx
/// on the xc7 samples: bench/results/rtl-resource-fit/xc7-residuals.md.)
/// </summary>
public static class LutCutMapper
{
    /// <summary>Cuts kept per node (abc's default for priority cuts is 8).</summary>
    public const int CutsPerNode = 8;

    /// <summary>A cut: its leaves are <see cref="Count"/> sorted nodes from <see cref="Start"/> in the pass's leaf arena. No references, so lists of cuts are copied and collected as plain data.</summary>
    private readonly record struct Cut(int Start, int Count, ulong Signature, float Cost, int Arrival);

    /// <summary>
    /// Per node, the LUTs it roots. LUTs of up to <paramref name="k"/> inputs; with
    /// <paramref name="wide"/> also abc's 7- and 8-input LUTs of synth_xilinx (`abc -luts
    /// 2:2,3,6:5,10,20`: a LUT7 is two LUT6 and a MUXF7, a LUT8 four LUT6 and three MUXF7/F8), at
    /// those area costs. Like abc's `if`, the first pass maps for depth (each LUT one level), the
    /// second recovers area by area flow within the depth the first reached.
    /// </summary>
    public static int[] Map(BitGraph g, bool[] live, bool[] hard, int k, bool wide = false)
    {
        int n = g.Count;
        int maxLeaves = wide ? k + 2 : k;
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

        // a node's kept cuts are cutStore[cutFirst[v] .. + cutCount[v]], their leaves in leaves[]; both arenas are refilled each pass
        var cutFirst = new int[n];
        var cutCount = new byte[n];
        var cutStore = new Arena<Cut>(n);
        var leaves = new Arena<int>(4 * n);
        var flow = new float[n];
        var arrival = new int[n];
        var required = new int[n];
        var implemented = new bool[n]; // the nodes the last cover made LUTs of (a read inverter's input among them)
        Array.Fill(required, int.MaxValue);
        bool areaPass = false;
        Enumerate();
        Cover(); // marks what the depth-optimal cover implements
        // required times from the depth-optimal cover: the deepest output sets every output's
        int depth = 0;
        for (int v = 2; v < n; v++) if (live[v] && hard[v]) depth = Math.Max(depth, arrival[Rep(v)]);
        for (int v = 2; v < n; v++) if (live[v] && hard[v] && Mappable(Rep(v))) required[Rep(v)] = depth;
        for (int v = n - 1; v >= 2; v--)
        {
            if (!implemented[v] || required[v] == int.MaxValue) continue;
            foreach (var leaf in LeavesOf(BestCut(v))) required[leaf] = Math.Min(required[leaf], required[v] - 1);
        }
        areaPass = true;
        Enumerate();
        return Cover();

        Cut BestCut(int v) => cutStore.Items[cutFirst[v]];
        Span<int> LeavesOf(Cut c) => leaves.Items.AsSpan(c.Start, c.Count);

        void Enumerate()
        {
            cutStore.Clear();
            leaves.Clear();
            var candidates = new List<Cut>();
            var merged = new List<Cut>();
            var right = new List<Cut>();
            var kept = new List<Cut>();
            Span<int> buffer = stackalloc int[16];
            for (int v = 2; v < n; v++)
            {
                if (!live[v] || !Mappable(v)) continue;
                int m = Fanins(g, v, fanins, Rep);
                int mark = leaves.Count; // leaves past this are the node's scratch
                candidates.Clear();
                AddCutsOf(fanins[0], candidates);
                for (int j = 1; j < m; j++)
                {
                    merged.Clear();
                    right.Clear();
                    AddCutsOf(fanins[j], right);
                    foreach (var a in candidates)
                        foreach (var b in right)
                        {
                            if ((int)ulong.PopCount(a.Signature | b.Signature) > maxLeaves) continue;
                            int count = Union(LeavesOf(a), LeavesOf(b), maxLeaves, buffer);
                            if (count >= 0) merged.Add(Make(leaves.Append(buffer[..count]), count, a.Signature | b.Signature));
                        }
                    Best(merged, j == m - 1 ? CutsPerNode : 2 * CutsPerNode, Rank(v), kept, Within);
                    (candidates, kept) = (kept, candidates);
                }
                if (m == 1)
                {
                    merged.Clear();
                    foreach (var c in candidates) merged.Add(Make(c.Start, c.Count, c.Signature));
                    Best(merged, CutsPerNode, Rank(v), kept, Within);
                    (candidates, kept) = (kept, candidates);
                }
                // keep the node's cuts: their leaves move down to the mark, over the scratch
                int scratchEnd = leaves.Count;
                cutFirst[v] = cutStore.Count;
                cutCount[v] = (byte)candidates.Count;
                foreach (var c in candidates) leaves.Append(LeavesOf(c));
                int at = mark;
                for (int i = 0; i < candidates.Count; i++)
                {
                    var c = candidates[i];
                    int from = scratchEnd + (at - mark);
                    Array.Copy(leaves.Items, from, leaves.Items, at, c.Count);
                    cutStore.Add(c with { Start = at });
                    at += c.Count;
                }
                leaves.Count = at;
                flow[v] = BestCut(v).Cost / Math.Max(1, fanout[v]);
                arrival[v] = BestCut(v).Arrival;
            }
        }

        // depth first, then area; in the area pass a cut within the node's required time first
        Comparison<Cut> Rank(int v) => areaPass
            ? (x, y) =>
            {
                bool fx = x.Arrival <= required[v], fy = y.Arrival <= required[v];
                if (fx != fy) return fx ? -1 : 1;
                return x.Cost != y.Cost ? x.Cost.CompareTo(y.Cost) : x.Arrival != y.Arrival ? x.Arrival.CompareTo(y.Arrival) : x.Count.CompareTo(y.Count);
            }
            : (x, y) => x.Arrival != y.Arrival ? x.Arrival.CompareTo(y.Arrival) : x.Cost != y.Cost ? x.Cost.CompareTo(y.Cost) : x.Count.CompareTo(y.Count);

        // the cover: every signal something outside the logic reads, then the leaves of the cuts chosen
        int[] Cover()
        {
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
                int x = Rep(v);
                implemented[x] = Mappable(x);
                luts[v] = !Mappable(x) ? 1 // a read inverter of a port or flip-flop is a LUT1
                    : BestCut(x).Count <= k ? 1 : WideLuts(g, x, LeavesOf(BestCut(x)).ToArray(), k);
                if (!Mappable(x)) continue;
                foreach (var leaf in LeavesOf(BestCut(x)))
                    if (Mappable(leaf) && !done[leaf]) stack.Push(leaf);
            }
            return luts;
        }

        void AddCutsOf(int u, List<Cut> into)
        {
            into.Add(new Cut(leaves.Append(u), 1, Bit(u), flow[u], arrival[u]));
            if (Mappable(u) && cutCount[u] > 0)
                for (int i = 0; i < cutCount[u]; i++) into.Add(cutStore.Items[cutFirst[u] + i]);
        }

        Cut Make(int start, int count, ulong signature)
        {
            float c = AreaOf(count);
            int t = 0;
            for (int i = start; i < start + count; i++)
            {
                int l = leaves.Items[i];
                c += flow[l];
                t = Math.Max(t, arrival[l]);
            }
            return new Cut(start, count, signature, c, t + 1);
        }

        bool Within(Cut outer, Cut inner) => Contains(LeavesOf(outer), LeavesOf(inner));
    }

    /// <summary>A growing array that is refilled, not reallocated: a pass's cuts or leaves.</summary>
    private sealed class Arena<T>(int capacity)
    {
        public T[] Items = new T[Math.Max(16, capacity)];
        public int Count;

        public void Clear() => Count = 0;

        public void Add(T item)
        {
            if (Count == Items.Length) Array.Resize(ref Items, Items.Length * 2);
            Items[Count++] = item;
        }

        /// <summary>Appends <paramref name="items"/>; returns where they start.</summary>
        public int Append(ReadOnlySpan<T> items)
        {
            while (Count + items.Length > Items.Length) Array.Resize(ref Items, Items.Length * 2);
            int start = Count;
            items.CopyTo(Items.AsSpan(Count));
            Count += items.Length;
            return start;
        }

        public int Append(T item)
        {
            int start = Count;
            Add(item);
            return start;
        }
    }

    /// <summary>abc's area of a LUT of this many inputs in synth_xilinx, in LUT6 (2, 2, 3, 5, 5, 5, 10, 20 over 5).</summary>
    private static float AreaOf(int inputs) => inputs switch { <= 2 => 0.4f, 3 => 0.6f, <= 6 => 1f, 7 => 2f, _ => 4f };

    /// <summary>
    /// The LUT6 a LUT7 or LUT8 becomes: yosys splits it into one LUT6 per cofactor of its one or
    /// two wide-multiplexer selects and drops the constant ones and merges equal ones (measured:
    /// an 8-input AND is one LUT6, two MUXF7 and a MUXF8). The selects taken are the pair leaving
    /// the fewest.
    /// </summary>
    private static int WideLuts(BitGraph g, int root, int[] leaves, int k)
    {
        var table = Truth(g, root, leaves);
        int m = leaves.Length, selects = m - k, best = 1 << selects;
        for (int a = 0; a < m; a++)
            for (int b = selects == 2 ? a + 1 : a; b < (selects == 2 ? m : a + 1); b++)
            {
                var cofactors = new HashSet<ulong>();
                for (int c = 0; c < 1 << selects; c++)
                {
                    ulong sub = 0;
                    int bit = 0;
                    for (int i = 0; i < 1 << m; i++)
                    {
                        if (((i >> a) & 1) != (c & 1)) continue;
                        if (selects == 2 && ((i >> b) & 1) != (c >> 1)) continue;
                        if (((table[i >> 6] >> (i & 63)) & 1) != 0) sub |= 1UL << bit;
                        bit++;
                    }
                    if (sub != 0 && sub != ulong.MaxValue) cofactors.Add(sub);
                }
                best = Math.Min(best, Math.Max(1, cofactors.Count));
            }
        return best;
    }

    /// <summary>The truth table (256 bits, leaf i the i-th variable) of <paramref name="root"/> over the cut <paramref name="leaves"/>.</summary>
    private static ulong[] Truth(BitGraph g, int root, int[] leaves)
    {
        var values = new Dictionary<int, ulong[]>();
        for (int i = 0; i < leaves.Length; i++)
        {
            var t = new ulong[4];
            for (int bit = 0; bit < 256; bit++) if (((bit >> i) & 1) != 0) t[bit >> 6] |= 1UL << (bit & 63);
            values[leaves[i]] = t;
        }
        ulong[] Eval(int v)
        {
            if (values.TryGetValue(v, out var known)) return known;
            ulong[] r = new ulong[4];
            var op = g.Op(v);
            if (v == BitGraph.One) Array.Fill(r, ulong.MaxValue);
            else if (v != BitGraph.Zero)
            {
                var x = Eval(g.In(v, 0));
                var y = g.Inputs(v) > 1 ? Eval(g.In(v, 1)) : x;
                var z = g.Inputs(v) > 2 ? Eval(g.In(v, 2)) : x;
                for (int w = 0; w < 4; w++)
                    r[w] = op switch
                    {
                        BitOp.Not => ~x[w],
                        BitOp.And => x[w] & y[w],
                        BitOp.Or => x[w] | y[w],
                        BitOp.Xor => x[w] ^ y[w],
                        BitOp.Mux => (x[w] & y[w]) | (~x[w] & z[w]),
                        _ => (x[w] & y[w]) | (x[w] & z[w]) | (y[w] & z[w]), // Maj
                    };
            }
            values[v] = r;
            return r;
        }
        return Eval(root);
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

    /// <summary>The sorted union of two sorted leaf sets into <paramref name="into"/>: its length, or -1 when it has more than k leaves.</summary>
    private static int Union(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int k, Span<int> into)
    {
        int i = 0, j = 0, m = 0;
        while (i < a.Length || j < b.Length)
        {
            int next;
            if (j == b.Length || (i < a.Length && a[i] < b[j])) next = a[i++];
            else if (i == a.Length || b[j] < a[i]) next = b[j++];
            else { next = a[i++]; j++; }
            if (m == k) return -1;
            into[m++] = next;
        }
        return m;
    }

    /// <summary>The best cuts by <paramref name="rank"/> into <paramref name="kept"/>, without duplicates or a cut containing a better one.</summary>
    private static void Best(List<Cut> all, int keep, Comparison<Cut> rank, List<Cut> kept, Func<Cut, Cut, bool> contains)
    {
        all.Sort(rank);
        kept.Clear();
        foreach (var c in all)
        {
            bool dominated = false;
            foreach (var d in kept)
                if ((d.Signature & ~c.Signature) == 0 && contains(c, d)) { dominated = true; break; }
            if (dominated) continue;
            kept.Add(c);
            if (kept.Count == keep) break;
        }
    }

    private static bool Contains(ReadOnlySpan<int> outer, ReadOnlySpan<int> inner)
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
