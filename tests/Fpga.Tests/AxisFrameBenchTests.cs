using HwFlow.Fpga;
using HwFlow.Fpga.Simulation;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

public sealed class AxisFrameBenchTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string SilentCore = """
        module hwflow_top(input wire clk, input wire rst,
            input wire [7:0] s_axis_tdata, input wire s_axis_tvalid, output wire s_axis_tready, input wire s_axis_tlast,
            output wire [7:0] m_axis_tdata, output wire m_axis_tvalid, input wire m_axis_tready);
            assign s_axis_tready = 1'b1;
            assign m_axis_tdata = 8'd0;
            assign m_axis_tvalid = 1'b0;
        endmodule
        """;

    [Fact]
    public void A_core_that_never_answers_fails_the_run_instead_of_passing_with_no_results()
    {
        var build = BuildFolder.Open(TestBuilds.Custom(_temp, "silent", SilentCore, m => m["inputBytes"] = 4));
        var frames = TestBuilds.RandomFrames(3, 4, seed: 5);
        var error = Assert.Throws<SimulationFailedException>(() => AxisFrameBench.Run(IcarusSimulation.Default, build,
            [build.File("rtl/hwflow_top.v")], frames, new AxisBenchOptions(MaxCycles: 500), _temp.File("bench")));
        Assert.Contains("without its sentinel 'HWFLOW-BENCH-DONE'", error.Message);
        Assert.Contains("HWFLOW-BENCH-TIMEOUT after 500 cycles: 12 of 12 bytes taken, 0 of 3 results", error.Message);
    }

    [Fact]
    public void A_simulator_that_crashes_is_named_with_its_signal_and_keeps_its_run_for_a_log()
    {
        // what .NET reports for a model that died of SIGSEGV before printing anything
        var run = new Sim.Tools.ToolRun("Vhwflow_axis_bench +count=2", 139, "", "", TimeSpan.FromSeconds(1));
        var error = Assert.Throws<SimulationFailedException>(() =>
            SentinelOutput.Lines(run, "hwflow_axis_bench (Verilator model /cache/Vhwflow_axis_bench)", AxisFrameBench.Sentinel));
        Assert.Equal("the simulation of hwflow_axis_bench (Verilator model /cache/Vhwflow_axis_bench) crashed (SIGSEGV, exit code 139); nothing printed",
            error.Message);
        Assert.Same(run, error.Run);
        Assert.IsAssignableFrom<Runtime.Errors.CheckFailure>(error);
    }

    [Fact]
    public void The_rtl_of_the_test_core_answers_every_frame_in_order_under_heavy_stalls()
    {
        var build = BuildFolder.Open(TestBuilds.SumMod10(_temp).Path);
        var frames = TestBuilds.RandomFrames(20, build.Manifest.InputBytes, seed: 9);
        var results = AxisFrameBench.Run(IcarusSimulation.Default, build, build.Manifest.VerilogFiles.Select(build.File).ToList(),
            frames, new AxisBenchOptions(InputStallProbability: 0.7, OutputStallProbability: 0.8, Seed: 3), _temp.File("stalls"));
        Assert.Equal(frames.Select(f => (System.Numerics.BigInteger)TestBuilds.TestCoreClass(f)), results.Select(r => r.Value));
        Assert.Equal(Enumerable.Range(0, frames.Count), results.Select(r => r.Frame));
    }

    [Theory]
    [InlineData(null, 30.0)] // ExternalTool.DefaultTimeout
    [InlineData(90.0, 90.0)] // synth --tool-timeout 90 reaches the netlist check's simulator
    public void The_simulator_gets_the_benchs_timeout(double? minutes, double expected)
    {
        var build = BuildFolder.Open(TestBuilds.SumMod10(_temp).Path);
        var simulator = new TimeoutRecorder();
        AxisFrameBench.Run(simulator, build, build.Manifest.VerilogFiles.Select(build.File).ToList(), TestBuilds.RandomFrames(1, build.Manifest.InputBytes, seed: 1),
            new AxisBenchOptions(Timeout: minutes is { } m ? TimeSpan.FromMinutes(m) : null), _temp.File("timeout"));
        Assert.Equal(TimeSpan.FromMinutes(expected), simulator.Timeout);
    }

    private sealed class TimeoutRecorder : IVerilogSimulation
    {
        public TimeSpan? Timeout { get; private set; }

        public void EnsureUsable() { }

        public IReadOnlyList<string> Run(IReadOnlyList<string> sources, string top, string workingDirectory, string scratchFolder, string sentinel, TimeSpan timeout,
            CancellationToken cancel = default, IReadOnlyList<string>? defines = null, IReadOnlyList<string>? plusargs = null)
        {
            Timeout = timeout;
            return [sentinel];
        }
    }
}
