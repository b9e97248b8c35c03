using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Sim.Verilator;

public static class BuildFolderModels
{
    /// <summary>The Verilator model of a build with the stream harness (built once, then cached).</summary>
    public static VerilatorModel StreamModel(this BuildFolder build, CancellationToken cancel = default) =>
        VerilatorBuild.Ensure(build.Manifest.Top, build.VerilogPaths, build.MemoryPaths, StreamHarness.Generate(build.Design.TopModule), cancel, BuildFolder.MemoryPathPrefix);
}
