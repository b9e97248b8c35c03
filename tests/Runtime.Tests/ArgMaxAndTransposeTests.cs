using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests;

public sealed class ArgMaxAndTransposeTests
{
    [Fact]
    public void TheFirstMaximumWins()
    {
        Assert.Equal(1, ArgMax.Of<long>([3, 7, 7, -1]));
        Assert.Equal(0, ArgMax.Of<double>([2.5]));
        Assert.Equal(2, ArgMax.Of<float>([-3f, -2f, -1f]));
        // only a strictly greater value replaces the best: a NaN neither wins nor is beaten
        Assert.Equal(2, ArgMax.Of<double>([1, double.NaN, 2]));
        Assert.Equal(0, ArgMax.Of<double>([double.NaN, 1]));
    }

    [Fact]
    public void TransposeSwapsRowsAndColumns()
    {
        // [[1, 2, 3], [4, 5, 6]] -> [[1, 4], [2, 5], [3, 6]]
        Assert.Equal([1L, 4, 2, 5, 3, 6], RowMajor.Transpose<long>([1, 2, 3, 4, 5, 6], 2, 3));
        Assert.Throws<ArgumentException>(() => RowMajor.Transpose<int>([1, 2, 3], 2, 2));
    }
}
