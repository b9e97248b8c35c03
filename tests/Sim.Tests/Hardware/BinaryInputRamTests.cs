using System.Numerics;
using CsCheck;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Rtl;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Model;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Binary units whose input banks are in block RAM (BinaryInputRam), reached on small random
/// models by lowering the input count from which the RAM form is built to 0: the MLPs and conv
/// nets of the other generated-hardware tests, with scores outputs, at random foldings, must
/// still give the golden kernel's scores, the predicted interval exactly (and the MLPs' predicted latency), nothing
/// lost under input gaps and output backpressure, and Verilator must agree cycle by cycle.
/// </summary>
public sealed class BinaryInputRamTests
{
    private static readonly HardwareOptions InRam = new() { InputRamMinInputs = 0, FactorInputRamMinInputs = 0 };

    private static (HardwareDesign Design, List<byte[]> Frames, BigInteger[] Golden) Case(ulong seed, bool conv)
    {
        // scores, not classes: a wrong word in one beat moves a score but rarely the argmax
        var model = (conv ? RandomConvHardwareModels.Create(seed) : RandomModels.Create(seed)) with { Output = OutputKind.Scores };
        var (_, design, frames, golden) = GeneratedHardwareTests.Case(model, seed, conv ? 6 : 8, InRam);
        return (design, frames, golden);
    }

    private static bool HasRamBanks(RtlDesign design) => design.Modules.Any(HasRamBanks);

    private static bool HasRamBanks(RtlModule module) => module.Memories.Any(memory => memory.Name.StartsWith("bank", StringComparison.Ordinal));

    /// <summary>An HBNN unit with its bits in block RAM and its chunk factors in registers.</summary>
    private static bool HasFactorRamBanks(RtlDesign design) => design.Modules.Any(m => HasRamBanks(m) && m.Registers.Any(r => r.Q.Name.StartsWith("factors", StringComparison.Ordinal)));

    /// <summary>Checks the design of <paramref name="seed"/> when it has banks in block RAM; false when it has none.</summary>
    private static bool CheckedRamBanks(ulong seed, bool conv, bool withFactors = false)
    {
        var (design, frames, golden) = Case(seed, conv);
        if (!(withFactors ? HasFactorRamBanks(design.Rtl) : HasRamBanks(design.Rtl))) return false;
        var stimulus = new StreamStimulus { Frames = frames };
        var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus);
        Assert.Equal(StreamStatus.Completed, trace.Status);
        Assert.Equal(golden, trace.Outputs.Select(o => o.Data));
        var gaps = trace.Outputs.Zip(trace.Outputs.Skip(1), (a, b) => b.Cycle - a.Cycle).Skip(2).ToList();
        Assert.All(gaps, g => Assert.Equal(design.CyclesPerFrame, g));
        if (!conv) Assert.Equal(design.LatencyCycles, trace.Outputs[0].Cycle - stimulus.InitialResetCycles);

        var stalled = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus with { Seed = seed, InputGapProbability = 0.4, OutputStallProbability = 0.6 });
        Assert.Equal(StreamStatus.Completed, stalled.Status);
        Assert.Equal(golden, stalled.Outputs.Select(o => o.Data));
        return true;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RamBanksMatchTheGoldenKernelAndThePredictedIntervalWithAndWithoutStalls(bool conv)
    {
        int built = 0;
        Gen.ULong.Sample(seed => { if (CheckedRamBanks(seed, conv)) built++; }, iter: 160, threads: 1);
        // the RAM form (BNN layers at PE 1 whose SIMD takes whole producer beats) is rare in random models: a
        // random sample can miss it, so seeds 1, 2, ... top it up to three designs, or this test proves nothing
        for (ulong seed = 1; built < 3 && seed <= 5000; seed++)
            if (CheckedRamBanks(seed, conv)) built++;
        Assert.True(built >= 3, $"only {built} random {(conv ? "conv nets" : "MLPs")} of 160 and seeds 1-5000 built input banks in block RAM");
    }

    [Fact]
    public void HbnnRamBanksWithRegisteredFactorsMatchTheGoldenKernelWithAndWithoutStalls()
    {
        int built = 0;
        Gen.ULong.Sample(seed => { if (CheckedRamBanks(seed, conv: false, withFactors: true)) built++; }, iter: 80, threads: 1);
        for (ulong seed = 1; built < 3 && seed <= 5000; seed++)
            if (CheckedRamBanks(seed, conv: false, withFactors: true)) built++;
        Assert.True(built >= 3, $"only {built} random MLPs of 80 and seeds 1-5000 built HBNN input bits in block RAM");
    }

    /// <summary>
    /// Found by the random test above: l3 has 2 inputs in chunks of 7 at SIMD 1, so its one chunk
    /// fills in 2 beats, and factor banks rotating 4 cycles late met the next frame's first factor.
    /// The late rotation is allowed only when the first chunk fills in 6 beats or more.
    /// </summary>
    [Fact]
    public void A_layer_narrower_than_its_chunk_keeps_its_factors_in_step_with_and_without_stalls()
    {
        const ulong seed = 8348606399;
        foreach (var options in new[] { new HardwareOptions(), InRam })
        {
            var model = RandomModels.Create(seed) with { Output = OutputKind.Scores };
            var (_, design, frames, golden) = GeneratedHardwareTests.Case(model, seed, 8, options);
            Assert.Contains(design.Shapes, s => s.Kind == Compiler.Hardware.Folding.LayerKind.Binary && s.Inputs < s.Chunk && s.FactorWidth > 0);
            foreach (var stimulus in new[] { new StreamStimulus { Frames = frames }, new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = 0.4, OutputStallProbability = 0.6 } })
            {
                var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus);
                Assert.Equal(StreamStatus.Completed, trace.Status);
                Assert.Equal(golden, trace.Outputs.Select(o => o.Data));
            }
        }
    }

    [Fact]
    public void VerilatorMatchesTheSimulatorOnRamBanksUnderStalls()
    {
        int checkedDesigns = 0;
        for (ulong seed = 1; checkedDesigns < 2 && seed < 200; seed++)
        {
            var (design, frames, golden) = Case(seed, conv: seed % 2 == 0);
            if (!HasRamBanks(design.Rtl)) continue;
            var model = VerilatorModels.ForDesign(design.Rtl, HarnessKind.Stream);
            var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = 0.3, OutputStallProbability = 0.3 };
            var result = Cosimulation.Stream(Simulator.Create(design.Rtl), model, stimulus);
            Assert.True(result.Agree, result.Mismatch?.Message);
            Assert.Equal(golden, result.Trace!.Outputs.Select(o => o.Data));
            checkedDesigns++;
        }
        Assert.Equal(2, checkedDesigns);
    }
}
