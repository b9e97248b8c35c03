using HwFlow.Fpga;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.IO;

namespace HwFlow.Flow.Tests;

/// <summary>
/// The whole flow through the library, no command line: the shipped fmnist-tiny compiled for
/// 2,000 frames/s at 24 MHz (small, so the iCE40 flow takes some 25 s), simulated, co-simulated
/// with Verilator, and synthesized for an iCE40 UP5K.
/// </summary>
public sealed class WholeFlowTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Compile_simulate_cosimulate_and_synthesize_fmnist_tiny()
    {
        var progress = new RecordingProgress();
        var build = _dir.File("fmnist-tiny");
        var compiled = Steps.Compile(new CompileRequest(RepoPaths.Example("fmnist-tiny"), OutputFolder.Chosen(build, force: false))
        {
            ClockMhz = 24,
            TargetFps = 2000,
        }, progress);
        Assert.Equal(Path.GetFullPath(build), compiled.Folder);
        Assert.True(compiled.Report.Folding.FramesPerSecond >= 2000, $"{compiled.Report.Folding.FramesPerSecond} frames/s");
        Assert.Contains("hwflow-build.json", compiled.Files);
        Assert.Equal("compile", OutputMarker.CommandOf(build));
        Assert.Equal("compile: 5/5", progress.Reports[^1]);

        var sim = Steps.Simulate(new SimulateRequest(build, new DatasetChoice("fashion-mnist", DataSplit.Test, 20)));
        Assert.Equal("all 20 equal", sim.GoldenCheck);
        Assert.Equal(compiled.Report.CyclesPerFrame, (long)Math.Round(sim.CyclesPerFrame));
        Assert.InRange(sim.Accuracy, 0.5, 1);

        var cosim = Steps.Cosimulate(new CosimulateRequest(build, new DatasetChoice("fashion-mnist", DataSplit.Test, 8), StallProbability: 0.3, Seed: 3));
        Assert.True(cosim.Passed, $"{cosim.Mismatch} {cosim.GoldenCheck} {cosim.Status} {cosim.Diagnosis}");
        Assert.Equal(8, cosim.Transactions);

        var synth = Steps.Synthesize(new SynthesizeRequest(build, FpgaTarget.Parse("ice40-up5k")), progress);
        Assert.True(synth.Report.TimingMet, $"Fmax {synth.Report.FmaxMhz} MHz");
        Assert.Equal(24, synth.Report.ClockMhz);
        Assert.Equal(0, synth.Report.MultiplierCells);
        Assert.True(File.Exists(synth.Bitstream), synth.Bitstream);
        Assert.Equal(Path.Combine(build, "synth", "ice40-up5k"), synth.Folder);
        Assert.Equal("synth --target ice40-up5k", OutputMarker.CommandOf(synth.Folder));
        Assert.Contains("synth ice40-up5k: 3/3", progress.Reports);

        // where the cells went: every layer's instance, with the compiler's estimate beside it
        var layers = synth.Report.Layers ?? throw new Xunit.Sdk.XunitException("no per-layer split in the synth report");
        foreach (var layer in compiled.Report.Folding.Layers)
        {
            var use = Assert.Single(layers, l => l.Part == layer.Name);
            Assert.True(use.Luts > 0, $"{layer.Name}: no LUTs attributed");
            Assert.Equal(layer.Luts, use.EstimatedLuts);
        }
        Assert.Contains("Per layer", File.ReadAllText(Path.Combine(synth.Folder, "synth.md")));
    }
}
