using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Tests.Support;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests;

public sealed class HarnessTests
{
    private static VerilatorModel Script(TempFolder temp, string body)
    {
        var path = temp.File("fake-model");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new VerilatorModel(path, temp.Path, FromCache: true);
    }

    [Fact]
    public void A_model_that_stops_without_the_sentinel_fails_even_with_exit_code_0()
    {
        using var temp = new TempFolder();
        var model = Script(temp, "echo 'O 12 5'\necho 'END completed 20'\nexit 0");
        var error = Assert.Throws<UserError>(() => model.Run([]));
        Assert.Contains("without its sentinel line", error.Message);
    }

    [Fact]
    public void A_model_that_fails_reports_its_exit_code_and_first_error_line()
    {
        using var temp = new TempFolder();
        var model = Script(temp, "echo 'O 12 5'\necho '%Error: out of cheese' >&2\nexit 3");
        var error = Assert.Throws<UserError>(() => model.Run([]));
        Assert.Contains("exit code 3", error.Message);
        Assert.Contains("%Error: out of cheese", error.Message);
    }

    [Fact]
    public void The_sentinel_and_time_lines_are_split_off()
    {
        var output = VerilatorModel.Parse($"O 3 a\nEND completed 9\nTIME 2000 1500\n{CppHarness.Sentinel}\n", "", 0, "m");
        Assert.Equal(["O 3 a", "END completed 9"], output.Lines);
        Assert.Equal(TimeSpan.FromTicks(15), output.LoopCpuTime);
    }

    [Fact]
    public void The_real_harness_rejects_a_bad_stimulus_file_and_prints_no_sentinel()
    {
        using var temp = new TempFolder();
        var model = VerilatorModels.ForDesign(FrameSummer.Design(), HarnessKind.Stream);
        File.WriteAllText(temp.File("bad.txt"), "not a stimulus\n");
        var error = Assert.Throws<UserError>(() => model.Run([temp.File("bad.txt")]));
        Assert.Contains("exit code 2", error.Message);
        Assert.Contains("cannot read the stimulus file", error.Message);
    }

    [Fact]
    public void A_harness_that_does_not_compile_shows_the_compilers_first_error()
    {
        var design = new RtlDesign([OpZoo.Build(1, "broken_harness_zoo")], "broken_harness_zoo");
        using var temp = new TempFolder();
        var files = VerilogEmitter.Write(design, temp.Path);
        var harness = VectorHarness.Generate(design.TopModule) + "\nstatic int broken = this_symbol_does_not_exist_in_the_harness;\n";
        var error = Assert.Throws<UserError>(() => VerilatorBuild.Ensure(design.Top, [.. files.Where(f => f.EndsWith(".v"))], [.. files.Where(f => f.EndsWith(".hex"))], harness));
        Assert.Contains("harness.cpp", error.Message);
        Assert.Contains("error", error.Message);
        Assert.Contains("this_symbol_does_not_exist_", error.Message);
    }

    [Fact]
    public void The_cache_returns_the_same_model_without_rebuilding()
    {
        var first = VerilatorModels.ForDesign(FrameSummer.Design(), HarnessKind.Stream);
        var second = VerilatorModels.ForDesign(FrameSummer.Design(), HarnessKind.Stream);
        Assert.True(second.FromCache);
        Assert.Equal(first.Binary, second.Binary);
    }

    [Fact]
    public void A_different_design_gets_a_different_model()
    {
        var normal = VerilatorModels.ForDesign(FrameSummer.Design(), HarnessKind.Stream);
        var stuck = VerilatorModels.ForDesign(FrameSummer.Design(SummerFault.InputStuck), HarnessKind.Stream);
        Assert.NotEqual(normal.Binary, stuck.Binary);
    }
}
