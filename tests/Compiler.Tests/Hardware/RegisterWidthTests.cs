using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Hardware;

/// <summary>
/// The resource model sizes the registers the generator builds: its widths must be the
/// generated ones. Powers of two are where "bits for N values" and "bits for the value N"
/// part by one bit, so the cases sit on them.
/// </summary>
public sealed class RegisterWidthTests
{
    public static TheoryData<int> Folds() => [1, 2, 4, 8, 16];

    [Theory]
    [MemberData(nameof(Folds))]
    public void FoldCountersAreAsWideAsTheResourceModelCountsThem(int folds)
    {
        // 16 -> 16 -> 16: every layer runs `folds` output groups of `folds` input beats
        int lanes = 16 / folds;
        var design = SmallDesigns.Generate(SmallDesigns.Bnn(16, 16, 16), (lanes, lanes), (lanes, lanes));
        foreach (var shape in design.Shapes)
        {
            var folding = design.Folding.For(shape.Name);
            var layer = design.Rtl.Module("layer_" + shape.Name);
            int generated = RegisterWidth(layer, "nf_0") + RegisterWidth(layer, "sf_0");
            Assert.Equal(ResourceModel.FoldCounterBits(shape, folding), generated);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void ArgmaxIndexIsAsWideAsTheResourceModelCountsIt(int classes)
    {
        foreach (int pe in new[] { 1, classes / 2, classes })
        {
            var design = SmallDesigns.Generate(SmallDesigns.Bnn(8, 8, classes), (1, 8), (pe, 8));
            var argmax = design.Rtl.Module("hwflow_argmax");
            // a one-beat frame's tree cut halfway holds lane indices, not a running best
            var index = ArgMaxUnit.SplitsTree(classes, pe) ? "half_lane0_0" : "best_index_0";
            Assert.Equal(ResourceModel.ArgmaxIndexBits(classes), RegisterWidth(argmax, index));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    public void ChunkCountsAreAsWideAsTheResourceModelCountsThem(int chunk)
    {
        // SIMD 1 < chunk: each chunk's count adds up over its beats in a register
        var design = SmallDesigns.Generate(SmallDesigns.Hbnn(2 * chunk, chunk), (1, 1), (1, 1));
        var binary = design.Shapes[^1];
        Assert.Equal(ResourceModel.ChunkCountBits(binary), RegisterWidth(design.Rtl.Module("layer_" + binary.Name), "partial0_0"));
    }

    private static int RegisterWidth(RtlModule module, string name) =>
        module.Registers.SingleOrDefault(r => r.Q.Name == name)?.Q.Width
        ?? throw new KeyNotFoundException($"module {module.Name} has no register {name}: {string.Join(", ", module.Registers.Select(r => r.Q.Name))}");
}
