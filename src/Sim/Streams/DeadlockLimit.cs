using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Sim.Streams;

/// <summary>How long a stream run on a build may go without a handshake before it counts as a deadlock: one rule for sim, cosim and bench sim.</summary>
public static class DeadlockLimit
{
    public const long Minimum = 100_000;

    /// <summary>Twenty frames' worth of the build's latency or initiation interval, whichever is longer, and at least <see cref="Minimum"/> cycles.</summary>
    public static long For(BuildManifest manifest) => Math.Max(Minimum, 20 * Math.Max(manifest.LatencyCycles, manifest.CyclesPerFrame));
}
