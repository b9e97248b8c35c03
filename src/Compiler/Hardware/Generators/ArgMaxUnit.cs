using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The class: argmax over the last stage's outputs, PE values a beat. The first maximum wins, as
/// in the golden kernel (a later value replaces the best only when strictly greater). A beat is
/// registered on the way in (the comparisons then start a new path) and compared the next cycle;
/// the class waits in an output register until the AXI-Stream side takes it.
/// </summary>
public static class ArgMaxUnit
{
    public const string ModuleName = "hwflow_argmax";

    /// <summary>Cycles from a last beat entering to its class being offered: the input register and the class register.</summary>
    public const int Latency = 2;

    /// <summary>The same with the comparison registered (<see cref="ComparesLate"/>): one cycle more.</summary>
    public const int LateLatency = 3;

    /// <summary>
    /// Whether the comparison gets a cycle of its own: one value a beat, and a last layer that
    /// spends two or more cycles a beat, so taking a beat only every other cycle costs no
    /// throughput. The compare of a wide value with the running best, then the select of the
    /// best value and index, was the UP5K's critical path at 1,568 cycles a frame for fmnist-tiny
    /// (35.5 ns: 28.2 MHz where 20,000 frames/s needs 31.4).
    /// </summary>
    public static bool ComparesLate(int lanes, int producerCyclesPerBeat) => lanes == 1 && producerCyclesPerBeat >= 2;

    /// <summary>
    /// Whether a frame of one beat has its compare tree cut by a register halfway: a frame a cycle
    /// design's ten 16-bit lanes, four compare levels and the index select, were the HX8K's
    /// critical path (37.5 ns, 26.67 MHz) with every layer shorter. Only one-beat frames: there every
    /// beat is a whole frame, so no running best has to wait for the tree's second half.
    /// </summary>
    public static bool SplitsTree(int outputs, int lanes) => lanes >= outputs && outputs > 4;

    /// <summary>Candidates (value and lane) held in the half-way register: those left after half the tree's levels.</summary>
    public static int HalfwayCandidates(int outputs) => (outputs + (1 << (TreeLevels(outputs) / 2)) - 1) >> (TreeLevels(outputs) / 2);

    private static int TreeLevels(int lanes) => BitWidth.ToIndex(lanes);

    /// <summary>The same with the tree cut (<see cref="SplitsTree"/>): the input register, the half-way register, the class register.</summary>
    public const int SplitLatency = 3;

    public static int LatencyOf(int outputs, int lanes, int producerCyclesPerBeat) =>
        ComparesLate(lanes, producerCyclesPerBeat) ? LateLatency : SplitsTree(outputs, lanes) ? SplitLatency : Latency;

    public static RtlModule Build(int outputs, int lanes, GraphType valueType, int classWidth, int producerCyclesPerBeat = 1)
    {
        if (ComparesLate(lanes, producerCyclesPerBeat)) return BuildLate(outputs, valueType, classWidth);
        if (SplitsTree(outputs, lanes)) return BuildSplit(outputs, valueType, classWidth);
        var (m, signed, width, inValid, inData, outReady, indexWidth, outValid) = Ports(outputs, lanes, valueType);
        int beats = (outputs + lanes - 1) / lanes;
        // lanes of the last beat past the outputs are a padded PE's pad neurons: never a candidate
        int realInLast = outputs - ((beats - 1) * lanes);
        // a staged last beat loads the class register when it is free or taken this cycle, else it
        // waits in the input register and no beat is taken: a one-beat frame every cycle (a frame a
        // cycle design), where refusing a last beat behind a staged one halved that rate
        var stagedValid = m.Register("staged_valid", 1);
        var stagedLast = m.Register("staged_last", 1);
        var wait = m.And(m.And(stagedValid, stagedLast), m.And(outValid, m.Not(outReady)));
        var ready = m.Not(wait);
        m.Assign(m.Output("in_ready", 1), ready);
        var accept = m.And(inValid, ready);
        var (beat, beatLast) = m.Counter("beat", beats, accept);
        m.Next(stagedValid, m.Or(accept, wait));
        m.Next(stagedLast, m.Or(m.And(accept, beatLast), wait));
        var moves = m.And(stagedValid, m.Not(wait));
        var staged = m.Hold(inData, accept, "staged_data");
        var stagedFirst = m.Hold(m.Compare(RtlOp.Eq, beat, m.Const(0, beat.Width)), accept, "staged_first");

        // the best lane of the staged beat, by a tree of compares
        var side = Enumerable.Range(0, lanes).Select(l => new Candidate(m.Slice(staged, l * width, width), m.Const(l, indexWidth),
            l >= realInLast ? stagedLast : null)).ToList();
        side = Reduce(m, side, signed, int.MaxValue);
        var (best, bestLane) = (side[0].Value, side[0].Lane);
        // the staged beat's first index; it returns to 0 after the last beat, so it never needs the value Outputs
        var candidate = bestLane;
        if (beats > 1)
        {
            var baseIndex = m.Register("base", indexWidth);
            m.Next(baseIndex, m.Mux(stagedLast, m.Const(0, indexWidth), m.Add(baseIndex, m.Const(lanes, indexWidth))), moves);
            candidate = m.Add(baseIndex, bestLane);
        }

        var runningValue = m.Register("best_value", width, useReset: false);
        var runningIndex = m.Register("best_index", indexWidth, useReset: false);
        var replace = m.Or(stagedFirst, m.Not(m.AtLeast(runningValue, signed, best, signed)));
        var newValue = m.Mux(replace, best, runningValue);
        var newIndex = m.Mux(replace, candidate, runningIndex);
        m.Next(runningValue, newValue, moves);
        m.Next(runningIndex, newIndex, moves);

        var produce = m.And(moves, stagedLast);
        var classData = m.Register("class", classWidth, useReset: false);
        m.Next(classData, m.Fit(newIndex, false, classWidth), produce);
        m.Next(outValid, m.Or(produce, m.And(outValid, m.Not(outReady))));
        m.Assign(m.Output("out_valid", 1), outValid);
        m.Assign(m.Output("out_data", classWidth), classData);
        return m.Build();
    }

    /// <summary>The ports every form has, in one order (the RTL's signal order), and the class-valid register.</summary>
    private static (ModuleBuilder M, bool Signed, int Width, RtlSignal InValid, RtlSignal InData, RtlSignal OutReady, int IndexWidth, RtlSignal OutValid)
        Ports(int outputs, int lanes, GraphType valueType)
    {
        var m = new ModuleBuilder(ModuleName);
        var (signed, width) = Arithmetic.Shape(valueType);
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", lanes * width);
        var outReady = m.Input("out_ready", 1);
        return (m, signed, width, inValid, inData, outReady, BitWidth.ToIndex(outputs), m.Register("class_valid", 1));
    }

    private sealed record Candidate(RtlSignal Value, RtlSignal Lane, RtlSignal? Pad);

    /// <summary>
    /// Up to <paramref name="levels"/> levels of the lane tree (log2 lanes deep, not lanes - 1: a
    /// frame-a-cycle design's ten lanes in a chain were a 74 ns path on the HX8K). The right side
    /// wins only when strictly greater, so the first maximum wins; pad lanes are a suffix, so a
    /// side whose first lane is a pad is all pads and never wins.
    /// </summary>
    private static List<Candidate> Reduce(ModuleBuilder m, List<Candidate> side, bool signed, int levels)
    {
        for (int level = 0; level < levels && side.Count > 1; level++)
        {
            var next = new List<Candidate>();
            for (int i = 0; i + 1 < side.Count; i += 2)
            {
                var (left, right) = (side[i], side[i + 1]);
                var greater = m.Not(m.AtLeast(left.Value, signed, right.Value, signed));
                if (right.Pad is not null) greater = m.And(greater, m.Not(right.Pad));
                next.Add(new Candidate(m.Mux(greater, right.Value, left.Value), m.Mux(greater, right.Lane, left.Lane), left.Pad));
            }
            if (side.Count % 2 == 1) next.Add(side[^1]);
            side = next;
        }
        return side;
    }

    /// <summary>
    /// A whole frame a beat, the lane tree cut halfway: staged | half (the candidates left after
    /// half the levels, registered) | class. Each stage moves when the next is empty or moving
    /// on, so a frame still passes every cycle; pad lanes are left out, as every beat is a last one.
    /// </summary>
    private static RtlModule BuildSplit(int outputs, GraphType valueType, int classWidth)
    {
        var (m, signed, width, inValid, inData, outReady, indexWidth, outValid) = Ports(outputs, outputs, valueType);
        var stagedValid = m.Register("staged_valid", 1);
        var halfValid = m.Register("half_valid", 1);
        var classFree = m.Or(m.Not(outValid), outReady);
        var halfOpen = m.Or(m.Not(halfValid), classFree);
        var ready = m.Or(m.Not(stagedValid), halfOpen);
        m.Assign(m.Output("in_ready", 1), ready);
        var accept = m.And(inValid, ready);
        var stagedMoves = m.And(stagedValid, halfOpen);
        var halfMoves = m.And(halfValid, classFree);
        m.Next(stagedValid, m.Or(accept, m.And(stagedValid, m.Not(halfOpen))));
        m.Next(halfValid, m.Or(stagedMoves, m.And(halfValid, m.Not(classFree))));
        m.Next(outValid, m.Or(halfMoves, m.And(outValid, m.Not(outReady))));

        var staged = m.Hold(inData, accept, "staged_data");
        var side = Reduce(m, Enumerable.Range(0, outputs).Select(l => new Candidate(m.Slice(staged, l * width, width), m.Const(l, indexWidth), null)).ToList(),
            signed, TreeLevels(outputs) / 2);
        side = side.Select((c, i) => new Candidate(m.Hold(c.Value, stagedMoves, $"half_value{i}"), m.Hold(c.Lane, stagedMoves, $"half_lane{i}"), null)).ToList();
        var bestLane = Reduce(m, side, signed, int.MaxValue)[0].Lane;

        var classData = m.Register("class", classWidth, useReset: false);
        m.Next(classData, m.Fit(bestLane, false, classWidth), halfMoves);
        m.Assign(m.Output("out_valid", 1), outValid);
        m.Assign(m.Output("out_data", classWidth), classData);
        return m.Build();
    }

    /// <summary>
    /// One value a beat, a beat taken at most every other cycle: staged | compared (the replace
    /// decision registered) | applied (the running best and, after the last beat, the class). The
    /// staged value stays put while it is applied, as no beat is taken in between.
    /// </summary>
    private static RtlModule BuildLate(int outputs, GraphType valueType, int classWidth)
    {
        var (m, signed, width, inValid, inData, outReady, indexWidth, outValid) = Ports(outputs, 1, valueType);
        var beatIsLast = m.Wire("beat_is_last", 1);
        var stagedValid = m.Register("staged_valid", 1);
        var stagedLast = m.Register("staged_last", 1);
        var appliedValid = m.DelayReset(stagedValid, 1, "applied_valid");
        var appliedLast = m.DelayReset(m.And(stagedValid, stagedLast), 1, "applied_last");
        // a last beat loads the class register two cycles after it is taken: it must be free by
        // then, and no last beat may be on its way to it (the staged one is excluded by the pacing)
        var room = m.And(m.Or(m.Not(outValid), outReady), m.Not(appliedLast));
        var ready = m.And(m.Not(stagedValid), m.Or(m.Not(beatIsLast), room));
        m.Assign(m.Output("in_ready", 1), ready);
        var accept = m.And(inValid, ready);
        var (beat, beatLast) = m.Counter("beat", outputs, accept);
        m.Assign(beatIsLast, beatLast);
        m.Next(stagedValid, accept);
        m.Next(stagedLast, m.And(accept, beatLast));
        var staged = m.Hold(inData, accept, "staged_data");
        var stagedFirst = m.Hold(m.Compare(RtlOp.Eq, beat, m.Const(0, beat.Width)), accept, "staged_first");

        var runningValue = m.Register("best_value", width, useReset: false);
        var runningIndex = m.Register("best_index", indexWidth, useReset: false);
        // the first maximum wins: replace only when strictly greater
        var replace = m.Delay(m.Or(stagedFirst, m.Not(m.AtLeast(runningValue, signed, staged, signed))), 1, "replace");
        // the applied beat's index; it returns to 0 after the last beat
        var index = m.Register("index", indexWidth);
        m.Next(index, m.Mux(appliedLast, m.Const(0, indexWidth), m.Add(index, m.Const(1, indexWidth))), appliedValid);
        var newIndex = m.Mux(replace, index, runningIndex);
        m.Next(runningValue, m.Mux(replace, staged, runningValue), appliedValid);
        m.Next(runningIndex, newIndex, appliedValid);

        var classData = m.Register("class", classWidth, useReset: false);
        m.Next(classData, m.Fit(newIndex, false, classWidth), appliedLast);
        m.Next(outValid, m.Or(appliedLast, m.And(outValid, m.Not(outReady))));
        m.Assign(m.Output("out_valid", 1), outValid);
        m.Assign(m.Output("out_data", classWidth), classData);
        return m.Build();
    }
}
