using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>The count of one part of a design (a top-level instance, or the top level itself: Instance "").</summary>
public sealed record RtlPartCount(string Instance, int Ffs, long BlockRamBits, int Carries, IReadOnlyDictionary<LutClass, int> Luts)
{
    public int RawLuts => Luts.Values.Sum();

    /// <summary>
    /// Flip-flops no LUT can share a logic cell with: nextpnr-ice40 packs a flip-flop into the cell of
    /// the LUT driving its D only when that LUT drives nothing else; one fed by another flip-flop, a
    /// block RAM, a port or a constant, or by a LUT with other readers, takes a cell of its own.
    /// </summary>
    public int LoneFfs { get; init; }

    /// <summary>7 series LUTs used as memory (shift registers and distributed RAM, <see cref="Xc7LutMemory"/>): beside <see cref="Luts"/>, not in it; none on iCE40.</summary>
    public int LutMemory { get; init; }
}

/// <summary>
/// Resources counted from the generated RTL itself rather than from a per-component model: the
/// design is flattened and blasted to bits, constants are folded (through flip-flops too), flip-flops
/// that never change, duplicate each other or drive nothing are dropped, feedback multiplexers
/// become clock enables, and the live logic is packed into k-input LUTs beside carry chains
/// (k = 4 on iCE40, 6 on 7 series). Memories in block RAM count as block RAM bits, memories kept
/// in logic as their flip-flops and select logic. The split is by top-level instance, as synth.md's.
/// </summary>
public static class RtlResourceCount
{
    // `compile --device` counts the design it chooses, and the build's report counts it again: the
    // same design object, counted once per fabric (a count takes 0.3-0.7 s)
    private static readonly ConditionalWeakTable<RtlDesign, ConcurrentDictionary<LogicFabric, IReadOnlyList<RtlPartCount>>> Counted = new();

    /// <param name="cancel">Looked at between the count's phases (the largest designs take seconds to count): `compile --device` stops on Ctrl-C within one.</param>
    public static IReadOnlyList<RtlPartCount> Of(RtlDesign design, LogicFabric fabric, CancellationToken cancel = default) =>
        Counted.GetOrCreateValue(design).GetOrAdd(fabric, f => Count(design, f, cancel));

    private static IReadOnlyList<RtlPartCount> Count(RtlDesign design, LogicFabric fabric, CancellationToken cancel)
    {
        var flat = RtlFlattener.Flatten(design);
        cancel.ThrowIfCancellationRequested();
        var blaster = new BitBlaster(flat, fabric);
        blaster.Run();
        cancel.ThrowIfCancellationRequested();
        blaster.OwnPortsLikeYosys(design.TopModule.Instances.SelectMany(i =>
            design.Module(i.Module).Ports.Where(p => p.Name is not (RtlModule.Clock or RtlModule.ResetPort)).Select(p => i.Name + RtlFlattener.PathSeparator + p.Name)));
        var (graph, flops, sinks) = FlopSweep.Run(blaster.Graph, blaster.Flops, blaster.Sinks);
        cancel.ThrowIfCancellationRequested();

        // live: what an output port or a block RAM port reads, through the flip-flops it reads
        var live = new bool[graph.Count];
        var flopOfQ = flops.ToDictionary(f => f.Q);
        var liveFlops = new HashSet<BitFlop>();
        var stack = new Stack<int>(sinks.Select(s => s.Node));
        while (stack.Count > 0)
        {
            int v = stack.Pop();
            if (live[v]) continue;
            live[v] = true;
            for (int j = 0; j < graph.Inputs(v); j++) stack.Push(graph.In(v, j));
            if (flopOfQ.TryGetValue(v, out var f) && liveFlops.Add(f))
            {
                stack.Push(f.D);
                stack.Push(f.Enable);
                stack.Push(f.Reset);
            }
        }
        live[0] = live[1] = false;
        var shiftRegisterLuts = fabric == LogicFabric.Lut6 ? ShiftRegisters.Remove(graph, live, sinks, liveFlops) : [];
        cancel.ThrowIfCancellationRequested();
        var hardReads = sinks.Select(s => s.Node).Concat(liveFlops.SelectMany(f => new[] { f.D, f.Enable, f.Reset })).Where(v => v > BitGraph.One);
        var packed = LutPacker.Pack(graph, live, hardReads, fabric == LogicFabric.Lut6 ? 6 : 4);

        var lone = LoneFlops(graph, live, liveFlops, sinks);
        var parts = new List<RtlPartCount>();
        for (short owner = 0; owner < blaster.OwnerNames.Count; owner++)
        {
            var luts = LutClasses.All.ToDictionary(c => c, c => packed.GetValueOrDefault((owner, c))?.Luts ?? 0);
            int carries = packed.Where(p => p.Key.Owner == owner).Sum(p => p.Value.Carries);
            if (fabric == LogicFabric.Lut6) carries = (carries + 3) / 4; // CARRY4: four bits a cell (a rough rounding per part)
            parts.Add(new RtlPartCount(blaster.OwnerNames[owner], liveFlops.Count(f => f.Owner == owner),
                blaster.BlockRamBits.GetValueOrDefault(owner), carries, luts) 
            {
                LoneFfs = lone.GetValueOrDefault(owner),
                LutMemory = shiftRegisterLuts.GetValueOrDefault(owner) + blaster.LutRamLuts.GetValueOrDefault(owner),
            });
        }
        return [.. parts.Skip(1), parts[0]];
    }

    /// <summary>Per owner, the live flip-flops whose D is not a LUT (or adder sum bit) read by that flip-flop alone.</summary>
    private static Dictionary<short, int> LoneFlops(BitGraph g, bool[] live, HashSet<BitFlop> flops, List<(int Node, short Owner)> sinks)
    {
        var readers = new int[g.Count];
        for (int v = 2; v < g.Count; v++)
        {
            if (!live[v]) continue;
            for (int j = 0; j < g.Inputs(v); j++)
                if (j == 0 || g.In(v, j) != g.In(v, j - 1)) readers[g.In(v, j)]++;
        }
        foreach (var f in flops)
        {
            readers[f.D]++;
            readers[f.Enable]++;
            readers[f.Reset]++;
        }
        foreach (var (node, _) in sinks) readers[node]++;
        var lone = new Dictionary<short, int>();
        foreach (var f in flops)
        {
            var op = g.Op(f.D);
            bool paired = f.D > BitGraph.One && readers[f.D] == 1 && (LutPacker.IsLogic(op) || op == BitOp.Sum);
            if (!paired) lone[f.Owner] = lone.GetValueOrDefault(f.Owner) + 1;
        }
        return lone;
    }
}
