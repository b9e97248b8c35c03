using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Semantics;

public sealed class HadamardTests
{
    [Fact]
    public void BipolarChunksWithAResidualAndSignOfZeroPositive()
    {
        // chunks [3,-1] (mean 2), [0,2] (mean 1, s(0) = +1), residual [-4] (mean 4)
        Assert.Equal([2, -2, 1, 1, -4], Hadamard.Binarize([3, -1, 0, 2, -4], 2, unipolar: false));
    }

    [Fact]
    public void UnipolarZeroesNonPositiveEntriesButKeepsThemInTheMean()
    {
        // chunks [3,0,1] (mean 4/3), [5,0,0] (mean 5/3), residual [2]
        var result = Hadamard.Binarize([3, 0, 1, 5, 0, 0, 2], 3, unipolar: true);
        Assert.Equal([4.0 / 3, 0, 4.0 / 3, 5.0 / 3, 0, 0, 2], result);
    }

    [Fact]
    public void AllZeroChunkAndAllNegativeChunk()
    {
        Assert.Equal([0, 0, -2, -2], Hadamard.Binarize([0, 0, -1, -3], 2, unipolar: false));
        Assert.Equal([0, 0, 0, 0], Hadamard.Binarize([0, 0, 0, 0], 2, unipolar: true));
    }

    [Fact]
    public void ChunkOfOneIsTheIdentityAndAWholeChunkIsScaledSign()
    {
        double[] v = [0.5, -2, 3, -0.25];
        Assert.Equal(v, Hadamard.Binarize(v, 1, unipolar: false));
        Assert.Equal([1.4375, -1.4375, 1.4375, -1.4375], Hadamard.Binarize(v, 100, unipolar: false));
    }

    [Fact]
    public void WeightsAreBinarizedPerOutputColumnAlongTheInputAxis()
    {
        // W[in=3, out=2] = [[1,-2],[3,4],[-5,0]], k = 2
        // column 0 = [1,3,-5] -> [2,2,-5]; column 1 = [-2,4,0] -> [-3,3,0] (a zero chunk has mean 0)
        var w = new Tensor([3, 2], [1, -2, 3, 4, -5, 0]);
        Assert.Equal([2, 2, -5, -3, 3, 0], Hadamard.BinarizeWeightsTransposed(w, 2));
    }

    [Fact]
    public void SignIsBipolarWithZeroPositiveOrUnipolarStrict()
    {
        Assert.Equal(1, Hadamard.Sign(0, unipolar: false));
        Assert.Equal(1, Hadamard.Sign(-0.0, unipolar: false));
        Assert.Equal(-1, Hadamard.Sign(-1e-300, unipolar: false));
        Assert.Equal(0, Hadamard.Sign(0, unipolar: true));
        Assert.Equal(1, Hadamard.Sign(1e-300, unipolar: true));
    }

    [Fact]
    public void ChunkLengthBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Hadamard.Binarize([1.0], 0, unipolar: false));
}

public sealed class PowerOfTwoScaleTests
{
    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(1.41, 1.0)]
    [InlineData(1.42, 2.0)]
    [InlineData(3.0, 4.0)]
    [InlineData(0.7, 0.5)]
    [InlineData(0.71, 1.0)]
    [InlineData(0.0, 0.0)]
    public void RoundsInTheLogDomain(double mean, double expected) => Assert.Equal(expected, Hadamard.RoundToPowerOfTwo(mean));

    [Fact]
    public void Pow2ModeRoundsEveryChunkMean()
    {
        // chunks [3,-1] mean 2 -> 2; [0,3] mean 1.5 -> 2; [-5] mean 5 -> 4
        var output = new double[5];
        Hadamard.Binarize([3, -1, 0, 3, -5], output, 2, unipolar: false, HwFlow.Runtime.Model.ScaleMode.Pow2);
        Assert.Equal([2, -2, 2, 2, -4], output);
    }
}
