namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// What yosys's opt_dff and opt_merge do to flip-flops, at bit level: a flip-flop that can never
/// change (D is its own Q, its enable is constant 0, or D is the constant it starts at) becomes
/// that constant; two flip-flops with the same D, enable, reset and initial value become one;
/// a multiplexer feeding Q back to D becomes the clock enable. Repeated (each rebuild of the
/// graph folds the new constants further) until nothing changes.
/// </summary>
public static class FlopSweep
{
    public static (BitGraph Graph, List<BitFlop> Flops, List<(int Node, short Owner)> Sinks) Run(
        BitGraph graph, List<BitFlop> flops, List<(int Node, short Owner)> sinks, int maxRounds = 200)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            var replace = new Dictionary<int, int>();
            var kept = flops;
            // a shift register of constants folds in one round: a flop reading a flop found constant
            // in this scan is checked again at once (logic between them waits for the rebuild)
            for (bool changed = true; changed;)
            {
                changed = false;
                var next = new List<BitFlop>();
                var seen = new Dictionary<(int, int, int, bool), int>();
                foreach (var f in kept)
                {
                    f.D = replace.GetValueOrDefault(f.D, f.D);
                    f.Enable = replace.GetValueOrDefault(f.Enable, f.Enable);
                    f.Reset = replace.GetValueOrDefault(f.Reset, f.Reset);
                    int init = f.Init ? BitGraph.One : BitGraph.Zero;
                    FoldEnable(graph, f);
                    // the reset loads the initial value too (RtlRegister: reset value = power-on value)
                    if (f.D == f.Q || f.Enable == BitGraph.Zero || f.D == init || f.Reset == BitGraph.One)
                    {
                        replace[f.Q] = init;
                        changed = true;
                        continue;
                    }
                    var key = (f.D, f.Enable, f.Reset, f.Init);
                    if (seen.TryGetValue(key, out var twin)) { replace[f.Q] = twin; changed = true; continue; }
                    seen[key] = f.Q;
                    next.Add(f);
                }
                kept = next;
            }
            if (replace.Count == 0) return (graph, flops, sinks);
            (graph, var map) = Rebuild(graph, replace);
            flops = [.. kept.Select(f => new BitFlop(map[f.Q], f.Owner, f.Init) { D = map[f.D], Enable = map[f.Enable], Reset = map[f.Reset] })];
            sinks = [.. sinks.Select(s => (map[s.Node], s.Owner))];
        }
        return (graph, flops, sinks);
    }

    /// <summary>D = s ? x : Q (or s ? Q : x) holds unless s selects x: s (or !s) joins the enable.</summary>
    private static void FoldEnable(BitGraph g, BitFlop f)
    {
        while (g.Op(f.D) == BitOp.Mux)
        {
            int s = g.In(f.D, 0), t = g.In(f.D, 1), e = g.In(f.D, 2);
            if (e == f.Q) { f.Enable = g.And(f.Enable, s); f.D = t; }
            else if (t == f.Q) { f.Enable = g.And(f.Enable, g.Not(s)); f.D = e; }
            else return;
        }
    }

    /// <summary>A copy of the graph with some sources replaced (by constants or twins), simplified again; and the node map.</summary>
    public static (BitGraph Graph, int[] Map) Rebuild(BitGraph old, Dictionary<int, int> replace)
    {
        var g = new BitGraph();
        var map = new int[old.Count];
        map[1] = BitGraph.One;
        for (int n = 2; n < old.Count; n++)
        {
            g.Owner = old.OwnerOf(n);
            g.Kind = old.KindOf(n);
            int I(int k) => map[old.In(n, k)];
            map[n] = old.Op(n) switch
            {
                BitOp.Source => replace.TryGetValue(n, out var r) ? (BitGraph.IsConst(r) ? r : map[r]) : g.Source(),
                BitOp.Not => g.Not(I(0)),
                BitOp.And => g.And(I(0), I(1)),
                BitOp.Or => g.Or(I(0), I(1)),
                BitOp.Xor => g.Xor(I(0), I(1)),
                BitOp.Mux => g.Mux(I(0), I(1), I(2)),
                BitOp.Maj => g.Maj(I(0), I(1), I(2)),
                BitOp.Sum => g.Adder(I(0), I(1), I(2)).Sum,
                BitOp.Carry => g.Adder(I(0), I(1), I(2)).Carry,
                _ => throw new InvalidOperationException($"node {n}: {old.Op(n)}"),
            };
        }
        return (g, map);
    }
}
