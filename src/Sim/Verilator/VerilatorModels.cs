using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Verilator;

public enum HarnessKind
{
    /// <summary>The AXI4-Stream top of a build folder, driven from a stimulus file.</summary>
    Stream,
    /// <summary>Any design, every input random each cycle, every output printed.</summary>
    Vectors,
}

/// <summary>Verilator models of in-memory designs: the Verilog is emitted into a temporary folder, then built (or found) in the cache.</summary>
public static class VerilatorModels
{
    public static string Harness(RtlModule top, HarnessKind kind) =>
        kind == HarnessKind.Stream ? StreamHarness.Generate(top) : VectorHarness.Generate(top);

    public static VerilatorModel ForDesign(RtlDesign design, HarnessKind kind, CancellationToken cancel = default)
    {
        string folder = Path.Combine(Path.GetTempPath(), "hwflow-verilog-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = VerilogEmitter.Write(design, folder);
            return VerilatorBuild.Ensure(design.Top, [.. files.Where(f => f.EndsWith(".v", StringComparison.Ordinal))],
                [.. files.Where(f => f.EndsWith(".hex", StringComparison.Ordinal))], Harness(design.TopModule, kind), cancel);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
