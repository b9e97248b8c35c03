using HwFlow.Fpga;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

/// <summary>The test core taken through the whole iCE40 UP5K flow once, shared by the tests that read its results.</summary>
public sealed class SynthesizedTestCore : IDisposable
{
    public SynthesizedTestCore()
    {
        Build = TestBuilds.SumMod10(Temp);
        Outcome = new SynthFlow().Run(Build, new SynthOptions(FpgaTarget.Ice40Up5k));
    }

    public TempFolder Temp { get; } = new();

    public BuildFolder Build { get; }

    public SynthOutcome Outcome { get; }

    public void Dispose() => Temp.Dispose();
}
