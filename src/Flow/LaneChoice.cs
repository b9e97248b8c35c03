using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Sim;
using HwFlow.Sim.Netlists;
using HwFlow.Sim.Streams;

namespace HwFlow.Flow;

/// <summary>How many streams the C# simulator runs at once, one per SIMD lane.</summary>
public static class LaneChoice
{
    /// <summary>
    /// The lanes for a request: 1 or <see cref="Simulator.LaneCount"/>; by default all lanes where
    /// the CPU runs them in one instruction (AVX-512), else one, and one when <paramref name="defaultOne"/>.
    /// </summary>
    public static int Resolve(int? requested, bool defaultOne = false) => requested switch
    {
        null => !defaultOne && Simulator.LanesAccelerated ? Simulator.LaneCount : 1,
        1 => 1,
        Simulator.LaneCount => Simulator.LaneCount,
        var other => throw new UserError($"--lanes must be 1 or {Simulator.LaneCount}, got {other}"),
    };

    /// <summary>
    /// The lane simulator of <paramref name="folder"/> and the frames split one stream per lane,
    /// or null: one lane asked for, frames that do not split, or a handshake that depends on the
    /// data (then the frames run as one stream, and a note says why).
    /// </summary>
    public static (Simulator Sim, LaneSplit Split)? TryLanes(BuildFolder folder, IReadOnlyList<byte[]> frames, int lanes, IFlowProgress progress)
    {
        if (lanes <= 1 || LaneSplit.TryCreate(frames, Simulator.LaneCount) is not { } split) return null;
        return LaneSimulator(folder, progress) is { } sim ? (sim, split) : null;
    }

    /// <summary>
    /// The lane simulator of <paramref name="folder"/>, built before the frames are known (they
    /// must then split, see <see cref="LaneSplit.TryCreate"/>), or null when the handshake depends
    /// on the data (a note says so).
    /// </summary>
    public static Simulator? LaneSimulator(BuildFolder folder, IFlowProgress progress)
    {
        var (netlist, layouts) = NetlistCache.Load(folder);
        StartupLaps.Lap("lanes: netlist loaded");
        var sim = Simulator.CreateLanes(netlist, [StreamPorts.InputData], layouts);
        StartupLaps.Lap("lanes: simulator created");
        if (new StreamDriver(sim).SharesTiming) return sim;
        progress.Note($"hwflow: the handshake of {folder.Path} depends on the input data, so its frames run as one stream");
        return null;
    }
}
