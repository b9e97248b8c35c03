using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;

/// <summary>`--input-width`: which widths a frame allows, what they do to the first layer's SIMD, and the input stage's pace in the optimizer.</summary>
public sealed class InputWidthTests
{
    private static readonly LayerShape First = Dense("l0", 784, 64, weightWidth: 2, accumulator: 18, output: 1, nextChunk: 0);

    [Fact]
    public void WidthsAreWholeBytesThatSplitTheFrameIntoWholeBeats()
    {
        Assert.Equal([8, 16, 32, 56, 64], InputStream.LegalWidths(784));
        Assert.Equal([8, 16, 32, 64], InputStream.PowerOfTwoWidths(784, 64));
        Assert.Equal([8, 16], InputStream.PowerOfTwoWidths(784, 16));
        Assert.Contains("do not divide the 784-byte frame", InputStream.Problem(784, 40));
        Assert.Contains("a whole number of bytes from 8 to 64 bits", InputStream.Problem(784, 12));
        Assert.Contains("a whole number of bytes from 8 to 64 bits", InputStream.Problem(784, 128));
        Assert.Null(InputStream.Problem(784, 64));
    }

    [Fact]
    public void TheFirstLayersSimdTakesWholeBeats()
    {
        Assert.Equal(FoldingRules.Divisors(784), FoldingRules.LegalSimds(First));
        // 8 bytes a beat: SIMD a multiple of 8, or 8 divided by a power of two
        Assert.Equal([1, 2, 4, 8, 16, 56, 112, 392, 784], FoldingRules.LegalSimds(First with { BeatElements = 8 }));
        Assert.Contains("multiple of the 8 inputs an input beat carries", FoldingRules.Check(First with { BeatElements = 8 }, new LayerFolding("l0", 1, 7)));
    }

    [Fact]
    public void TheInputStageIsBalancedAtItsBeats()
    {
        // 98 beats of 8 bytes: the fastest design runs at the first layer's pace, not at 784 cycles
        var shapes = new[] { First with { BeatElements = 8 } };
        var plan = FoldingOptimizer.Optimize(shapes, 98, new FoldingGoal.Fastest(), bytesPerBeat: 8);
        Assert.Equal(98, FoldingTiming.InitiationInterval(shapes, 98, plan));
        var e = Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(shapes, 98, new FoldingGoal.TargetFps(2_000_000, 100), bytesPerBeat: 8));
        Assert.Contains("the input stream alone takes 98 cycles per frame (8 bytes per cycle at --input-width 64)", e.Message);
    }
}
