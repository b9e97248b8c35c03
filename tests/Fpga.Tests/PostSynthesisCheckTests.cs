using System.Numerics;
using HwFlow.Fpga;
using HwFlow.Fpga.Simulation;
using HwFlow.Runtime.Errors;
using HwFlow.Sim.Verilator;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// The netlist that went into the bitstream, simulated with yosys's iCE40 cell models, against
/// the expected answers and against the RTL on the same stimulus (values and cycles). These run on
/// the test core, whose netlist runs on Verilator (the default) and whose RTL runs on Icarus, so
/// the two simulators check each other; the compiled fmnist-tiny's gates on 100 test images
/// against the golden kernel are in the CLI's SynthCommandTests (`synth --check-netlist 100`).
/// </summary>
public sealed class PostSynthesisCheckTests(SynthesizedTestCore core) : IClassFixture<SynthesizedTestCore>
{
    [Fact]
    public void The_synthesized_netlist_computes_the_expected_class_for_100_images_under_random_stalls()
    {
        var images = TestBuilds.FashionMnistImages(100);
        var options = new AxisBenchOptions(InputStallProbability: 0.2, OutputStallProbability: 0.3, Seed: 7);
        var netlist = PostSynthesisCheck.Simulate(core.Build, core.Outcome.Folder, images, options, core.Temp.File("post-synth"));
        Assert.Empty(PostSynthesisCheck.Compare(netlist, images.Select(Expected).ToList()));

        // The RTL on the same stimulus: the gates take every beat on the same cycle.
        var rtl = AxisFrameBench.Run(IcarusSimulation.Default, core.Build, core.Build.Manifest.VerilogFiles.Select(core.Build.File).ToList(),
            images, options, core.Temp.File("rtl"));
        Assert.Equal(rtl, netlist);
    }

    [Fact]
    public void Without_stalls_the_core_delivers_one_frame_per_cycles_per_frame()
    {
        var frames = TestBuilds.RandomFrames(5, core.Build.Manifest.InputBytes, seed: 11);
        var results = PostSynthesisCheck.Simulate(core.Build, core.Outcome.Folder, frames, new AxisBenchOptions(), core.Temp.File("steady"));
        var gaps = results.Zip(results.Skip(1), (a, b) => b.Cycle - a.Cycle).ToList();
        Assert.All(gaps, gap => Assert.Equal(core.Build.Manifest.CyclesPerFrame, gap));
        Assert.Empty(PostSynthesisCheck.Compare(results, frames.Select(Expected).ToList()));
    }

    [Fact]
    public void A_second_check_of_an_unchanged_netlist_reuses_the_cached_verilator_model()
    {
        // Other frames, another count, other stalls and seed, another scratch folder: all run-time
        // inputs of the bench, so the second run must not build again.
        var models = new List<VerilatorModel>();
        var verilator = new VerilatorSimulation(models.Add);
        var first = TestBuilds.RandomFrames(3, core.Build.Manifest.InputBytes, seed: 21);
        var second = TestBuilds.RandomFrames(7, core.Build.Manifest.InputBytes, seed: 22);
        var a = PostSynthesisCheck.Simulate(core.Build, core.Outcome.Folder, first, new AxisBenchOptions(Seed: 5), core.Temp.File("cache-1"), simulator: verilator);
        var b = PostSynthesisCheck.Simulate(core.Build, core.Outcome.Folder, second,
            new AxisBenchOptions(InputStallProbability: 0.5, OutputStallProbability: 0.1, Seed: 9), core.Temp.File("cache-2"), simulator: verilator);
        Assert.Empty(PostSynthesisCheck.Compare(a, first.Select(Expected).ToList()));
        Assert.Empty(PostSynthesisCheck.Compare(b, second.Select(Expected).ToList()));
        Assert.Equal(2, models.Count);
        Assert.True(models[1].FromCache, "the second check rebuilt the Verilator model");
        Assert.Equal(models[0].Binary, models[1].Binary);
    }

    [Fact]
    public void A_wrong_answer_is_reported_frame_by_frame()
    {
        var results = new List<AxisResult> { new(0, 3, 10), new(1, 4, 20) };
        Assert.Equal([new OutputMismatch(1, 5, 4), new OutputMismatch(2, 6, OutputMismatch.Missing)], PostSynthesisCheck.Compare(results, [3, 5, 6]));
    }

    private static BigInteger Expected(byte[] frame) => TestBuilds.TestCoreClass(frame);

    [Fact]
    public void Needs_a_synthesized_core()
    {
        var error = Assert.Throws<UserError>(() => PostSynthesisCheck.Simulate(core.Build, core.Build.Path, [], new AxisBenchOptions(), core.Temp.File("none")));
        Assert.Contains("run hwflow synth --target ice40-up5k (or xc7) first", error.Message);
    }
}
