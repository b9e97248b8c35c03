namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// 7 series: yosys (shregmap in synth_xilinx) puts a chain of at least three flip-flops without
/// reset, sharing one enable, each read only by the next, into SRL16E/SRLC32E shift-register
/// LUTs: LUT memory, neither flip-flops nor logic LUTs. Those flip-flops leave the count (but for
/// the one a chain one over an SRL length keeps, <see cref="Xc7LutMemory.ShiftRegister"/>), and the
/// shift-register LUTs are returned per owner.
/// </summary>
public static class ShiftRegisters
{
    public const int MinimumLength = 3;

    public static Dictionary<short, int> Remove(BitGraph g, bool[] live, List<(int Node, short Owner)> sinks, HashSet<BitFlop> liveFlops)
    {
        var reads = new Dictionary<int, int>();
        void Read(int node) => reads[node] = reads.GetValueOrDefault(node) + 1;
        for (int v = 2; v < g.Count; v++)
            if (live[v])
                for (int j = 0; j < g.Inputs(v); j++) Read(g.In(v, j));
        foreach (var s in sinks) Read(s.Node);
        foreach (var f in liveFlops) { Read(f.D); Read(f.Enable); Read(f.Reset); }

        var byQ = liveFlops.ToDictionary(f => f.Q);
        // previous[f] = the flop feeding f alone, with the same enable and no reset on either
        var previous = new Dictionary<BitFlop, BitFlop>();
        var hasNext = new HashSet<BitFlop>();
        foreach (var f in liveFlops)
        {
            if (f.Reset != BitGraph.Zero || !byQ.TryGetValue(f.D, out var p) || p == f) continue;
            if (p.Reset != BitGraph.Zero || p.Enable != f.Enable || reads.GetValueOrDefault(p.Q) != 1) continue;
            previous[f] = p;
            hasNext.Add(p);
        }
        var luts = new Dictionary<short, int>();
        foreach (var tail in previous.Keys.Where(f => !hasNext.Contains(f)).ToList())
        {
            var chain = new List<BitFlop> { tail };
            for (var f = tail; previous.TryGetValue(f, out var p) && !chain.Contains(p); f = p) chain.Add(p);
            if (chain.Count < MinimumLength) continue;
            var (srl, kept) = Xc7LutMemory.ShiftRegister(chain.Count);
            // the chain's last stage stays a flip-flop when yosys keeps one
            foreach (var f in chain.Skip(kept)) liveFlops.Remove(f);
            luts[tail.Owner] = luts.GetValueOrDefault(tail.Owner) + srl;
        }
        return luts;
    }
}
