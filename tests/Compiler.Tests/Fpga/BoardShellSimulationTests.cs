using HwFlow.Compiler.Fpga;
using HwFlow.Compiler.Fpga.Simulation;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Compiler.Tests.Fpga;

/// <summary>
/// The iCEBreaker shell as the board is used: real Fashion-MNIST test images sent as UART
/// waveforms, one class byte back per image. The body takes any build folder and the answers
/// expected from it; today it runs on the test core, and pointing it at a compiled model is a
/// one-line change (its build folder and its golden-kernel classes).
/// </summary>
public sealed class BoardShellSimulationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Icebreaker_shell_answers_each_image_with_the_cores_class()
    {
        var images = TestBuilds.FashionMnistImages(6);
        AssertShellAnswers(TestBuilds.SumMod10(_temp), images, images.Select(TestBuilds.TestCoreClass).ToList());
    }

    private void AssertShellAnswers(BuildFolder build, IReadOnlyList<byte[]> frames, IReadOnlyList<ulong> expected)
    {
        var replies = UartShellBench.Run(IcarusSimulation.Default, BoardShell.Icebreaker, build, frames, _temp.File("uart-bench"), clocksPerBit: 4);
        Assert.Equal(expected.Select(e => (byte)e), replies.Select(r => r.Value));
        Assert.Equal(Enumerable.Range(0, frames.Count), replies.Select(r => r.Index));
        // Sanity of the stimulus: the answers are not all the same.
        Assert.True(expected.Distinct().Count() > 1);
    }
}
