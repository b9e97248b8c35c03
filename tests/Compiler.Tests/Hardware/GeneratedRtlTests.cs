using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Tools;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Tests.Hardware;

public sealed class GeneratedRtlTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> GoldenCases() => ["small-bnn", "small-hbnn", "small-parallel-bnn"];

    private static Compiler.Hardware.HardwareDesign Design(string name) => name switch
    {
        "small-bnn" => SmallDesigns.Generate(SmallDesigns.Bnn(), (2, 3), (3, 2)),
        // the hidden layer at PE = outputs, SIMD = inputs: a fully parallel layer with its weights wired in (ParallelBinaryLayer)
        "small-parallel-bnn" => SmallDesigns.Generate(SmallDesigns.ThresholdBnn(), (2, 3), (4, 4), (3, 2)),
        _ => SmallDesigns.Generate(SmallDesigns.Hbnn(), (2, 2), (1, 2)),
    };

    /// <summary>The generated RTL IR of small models, as golden text (regenerated only with HWFLOW_UPDATE_GOLDEN=1).</summary>
    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void GeneratedRtlMatchesGolden(string name)
    {
        var path = Path.Combine(TestPaths.TestProject, "Hardware", "Golden", name + ".rtl");
        var text = RtlPrinter.Print(Design(name).Rtl);
        if (TestPaths.UpdateGoldens)
        {
            File.WriteAllText(path, text);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; generate it with HWFLOW_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), text);
        Assert.Equal(text, RtlPrinter.Print(RtlParser.Parse(text, path)));
    }

    [Fact]
    public void GeneratedVerilogIsLintCleanAndDeterministic()
    {
        Assert.True(Toolchain.Verilator.Available, "verilator is missing: install the Debian package verilator (./test.sh does)");
        var designs = new[]
        {
            Design("small-bnn"),
            Design("small-hbnn"),
            Design("small-parallel-bnn"),
            SmallDesigns.Generate(ModelLoader.Load(TestPaths.Example("tiny-hbnn")), (1, 16), (2, 1), (2, 4)),
        };
        foreach (var (design, i) in designs.Select((d, i) => (d, i)))
        {
            var folder = Path.Combine(_dir.Path, $"d{i}");
            var files = VerilogEmitter.Write(design.Rtl, folder);
            var again = VerilogEmitter.Emit(design.Rtl);
            Assert.All(again, f => Assert.Equal(f.Content, File.ReadAllText(Path.Combine(folder, f.Name))));
            // multiply-free: no '*' outside the (* rom_style = "block" *) and (* no_rw_check *) synthesis attributes
            Assert.All(files.Where(f => f.EndsWith(".v", StringComparison.Ordinal)),
                f => Assert.DoesNotContain("*", System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(f), @"\(\* \w+( = ""\w+"")? \*\)", "")));
            var run = Toolchain.Verilator.Run(["--lint-only", "-Wall", "--top-module", "hwflow_top", .. files.Where(f => f.EndsWith(".v", StringComparison.Ordinal)).Select(Path.GetFileName)!], folder);
            Assert.True(run.Succeeded && run.Stderr.Trim().Length == 0, $"verilator -Wall on design {i}:\n{run.Stderr}");
        }
    }

    [Fact]
    public void IllegalFoldingsAreRefusedNamingLayerAndConstraint()
    {
        string Error(ModelSpec model, params (int, int)[] folding) =>
            Assert.Throws<UserError>(() => SmallDesigns.Generate(model, folding)).Message;
        var tiny = ModelLoader.Load(TestPaths.Example("tiny-hbnn"));
        // PE and SIMD that do not divide a BNN layer are padded (ImportedHardwareTests simulates them); past the layer's size they are not
        Assert.StartsWith("layer l0: PE 5 is more than the 4 outputs", Error(SmallDesigns.Bnn(), (5, 3), (3, 2)));
        Assert.StartsWith("layer l3: SIMD 5 is more than the 4 inputs", Error(SmallDesigns.Bnn(), (2, 3), (3, 5)));
        SmallDesigns.Generate(SmallDesigns.Bnn(), (3, 3), (3, 3));
        Assert.StartsWith("layer l3: SIMD 2 must divide the chunk length 5 or be a multiple of it", Error(tiny, (1, 16), (2, 2), (2, 4)));
        Assert.StartsWith("layer l0: PE 2 must divide the next layer's chunk length 5 or be a multiple of it", Error(tiny, (2, 16), (2, 1), (2, 4)));
    }
}
