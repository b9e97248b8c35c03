using HwFlow.Runtime.Errors;
using HwFlow.Sim;

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
}
