using HwFlow.Compiler;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Fpga.Simulation;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// A small BNN generated for LUT6 whose 32 x 16 threshold layer takes the lookup form (count
/// tables in block RAM, PE 16 / SIMD 16: groups of 5, 5 and 6, the third table read late),
/// synthesized by synth_xilinx once for the class.
/// </summary>
public sealed class SynthesizedXc7Bnn : IDisposable
{
    public SynthesizedXc7Bnn()
    {
        var rng = new SplitMix64(5);
        Tensor Signs(int rows, int cols) => new([rows, cols], [.. Enumerable.Range(0, rows * cols).Select(_ => rng.NextInt(2) == 0 ? -1f : 1f)]);
        Tensor Values(int n, double low, double high) => new([n], [.. Enumerable.Range(0, n).Select(_ => (float)(low + ((high - low) * rng.NextDouble())))]);
        // scales of both signs, so some neurons are inverted
        BatchNorm Norm(int n) => new(Values(n, -3, 3), Values(n, 0.1, 2), Values(n, -1.5, 1.5), Values(n, -0.5, 0.5), 1e-4);
        var model = new ModelSpec("xc7-lookup", new InputSpec([20], "uint8", 1.0 / 255), 4,
            [new LinearLayer(Signs(20, 32)), Norm(32), new Sign(), new BinLayer(Signs(32, 16)), Norm(16), new Sign(), new BinLayer(Signs(16, 5))],
            OutputKind.Class);
        var options = new CompileOptions();
        var graph = IntegerLowering.Lower(model, options);
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        var plan = new FoldingPlan([.. shapes.Select(s => s.Inputs == 32 && s.Outputs == 16 ? new LayerFolding(s.Name, 16, 16) : new LayerFolding(s.Name, 1, 1))]);
        Design = HardwareGenerator.Generate(graph, plan, new HardwareOptions { Fabric = LogicFabric.Lut6 });
        var folder = Temp.File("xc7-lookup");
        Directory.CreateDirectory(folder);
        BuildWriter.Write(folder, model, graph, Design, IntegerGraphSummary.Of(graph, options), 100);
        Build = BuildFolder.Open(folder);
        Outcome = new SynthFlow().Run(Build, new SynthOptions(FpgaTarget.Xc7));
    }

    public TempFolder Temp { get; } = new();

    public HardwareDesign Design { get; }

    public BuildFolder Build { get; }

    public SynthOutcome Outcome { get; }

    public void Dispose() => Temp.Dispose();
}

/// <summary>
/// The 7-series netlist (LUT6, CARRY4, FDRE, RAMB18E1... from synth_xilinx), written out as Verilog
/// and run with yosys's xilinx/cells_sim.v, against the golden kernel and the RTL on the same
/// stimulus. The xc7 flow has no place and route, so this is the check that what goes to Vivado
/// computes what the RTL does.
/// </summary>
public sealed class Xc7PostSynthesisCheckTests(SynthesizedXc7Bnn bnn) : IClassFixture<SynthesizedXc7Bnn>
{
    [Fact]
    public void The_lookup_form_s_xc7_netlist_matches_the_golden_kernel_and_the_rtl_under_random_stalls()
    {
        Assert.Contains(bnn.Design.Rtl.Modules.SelectMany(m => m.Memories), m => m.Name.StartsWith("counts", StringComparison.Ordinal));
        var frames = TestBuilds.RandomFrames(40, bnn.Build.Manifest.InputBytes, seed: 31);
        var options = new AxisBenchOptions(InputStallProbability: 0.2, OutputStallProbability: 0.3, Seed: 7);
        // Icarus for both sides: on a netlist this small it runs in seconds, where building two Verilator models takes minutes
        var gates = PostSynthesisCheck.Simulate(bnn.Build, bnn.Outcome.Folder, frames, options, bnn.Temp.File("gates"), simulator: IcarusSimulation.Default);
        Assert.Empty(PostSynthesisCheck.Compare(gates, [.. TestBuilds.GoldenClasses(bnn.Build, frames).Select(c => (System.Numerics.BigInteger)c)]));

        var rtl = AxisFrameBench.Run(IcarusSimulation.Default, bnn.Build, bnn.Build.Manifest.VerilogFiles.Select(bnn.Build.File).ToList(),
            frames, options, bnn.Temp.File("rtl"));
        Assert.Equal(rtl, gates);
        // the Verilog of the gates went to the scratch folder, not next to the user's synthesis results
        Assert.False(File.Exists(Path.Combine(bnn.Outcome.Folder, YosysScript.NetlistVerilog)));
    }

    [Fact]
    public void The_netlist_uses_the_block_ram_and_carry_cells_the_check_must_cover()
    {
        var resources = bnn.Outcome.Report.Resources.ToDictionary(r => r.Name, r => r.Used);
        Assert.True(resources["BRAM36"] > 0, "no block RAM in the netlist");
        Assert.True(resources["CARRY4"] > 0, "no carry chain in the netlist");
    }
}
