using HwFlow.Fpga;
using HwFlow.Fpga.Simulation;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// The iCEBreaker shell as the board is used: real Fashion-MNIST test images sent as UART
/// waveforms, one class byte back per image, from the compiled fmnist-tiny (checked against the
/// golden kernel, on Verilator) and from the test core (on Icarus).
/// </summary>
public sealed class BoardShellSimulationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Icebreaker_shell_around_fmnist_tiny_answers_each_image_with_the_golden_kernels_class()
    {
        var build = TestBuilds.FmnistTiny(_temp);
        var images = TestBuilds.FashionMnistImages(8);
        AssertShellAnswers(VerilatorSimulation.Default, build, images, TestBuilds.GoldenClasses(build, images));
    }

    [Fact]
    public void Icebreaker_shell_answers_each_image_with_the_test_cores_class()
    {
        var images = TestBuilds.FashionMnistImages(6);
        AssertShellAnswers(IcarusSimulation.Default, TestBuilds.SumMod10(_temp), images, images.Select(TestBuilds.TestCoreClass).ToList());
    }

    private void AssertShellAnswers(IVerilogSimulation simulator, BuildFolder build, IReadOnlyList<byte[]> frames, IReadOnlyList<ulong> expected)
    {
        var replies = UartShellBench.Run(simulator, BoardShell.Icebreaker, build, frames, _temp.File("uart-bench"), clocksPerBit: 4);
        Assert.Equal(expected.Select(e => (byte)e), replies.Select(r => r.Value));
        Assert.Equal(Enumerable.Range(0, frames.Count), replies.Select(r => r.Index));
        // Sanity of the stimulus: the answers are not all the same.
        Assert.True(expected.Distinct().Count() > 1);
    }
}
