namespace HwFlow.Sim.Streams;

/// <summary>Port names of the build folder's AXI4-Stream top.</summary>
public static class StreamPorts
{
    /// <summary>The input bytes: the one input that differs between lanes of a multi-lane stream simulation.</summary>
    public const string InputData = "s_axis_tdata";
}
