using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Tests.Kernels;

/// <summary>The vectorized in-place transform against the reference's double transform and the golden kernel's butterfly ops.</summary>
public sealed class FastWalshHadamardTests
{
    public static TheoryData<int> Sizes() => [1, 2, 4, 8, 16, 32, 64, 128, 1024, 4096];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void IntegersEqualTheReferenceTransform(int n)
    {
        var rng = new SplitMix64((ulong)n + 100);
        // values as wide as the kernel allows: n * 2^k stays below 2^31
        int magnitude = (int)Math.Min(1 << 20, int.MaxValue / (2L * n));
        var v = Enumerable.Range(0, n).Select(_ => rng.NextInt(2 * magnitude) - magnitude).ToArray();
        var expected = v.Select(x => (double)x).ToArray();
        WalshHadamardTransform.Transform(expected);
        FastWalshHadamard.Transform(v);
        Assert.Equal(expected, v.Select(x => (double)x));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FloatsRoundAsTheSameStagesInFloatDo(int n)
    {
        var rng = new SplitMix64((ulong)n + 200);
        var v = Enumerable.Range(0, n).Select(_ => (float)rng.NextGaussian()).ToArray();
        var expected = (float[])v.Clone();
        FastWalshHadamard.Scalar<float>(expected, 1);
        FastWalshHadamard.Transform(v);
        Assert.Equal(expected, v);
    }

    [Fact]
    public void GoldenButterfliesComposeToTheTransform()
    {
        // zero-pad 5 -> 8, then spans 1 (with signs), 2, 4: the golden kernel's ops give H (D pad(x)).
        var rng = new SplitMix64(3);
        long[] signs = [1, -1, -1, 1, 1, 1, -1, 1];
        int rows = 3;
        var raw = Enumerable.Range(0, rows * 5).Select(_ => (byte)rng.NextInt(256)).ToArray();
        var nodes = new List<Node>
        {
            new("x", Ops.Input, [], GraphType.Int(5, 0, 255)),
            new("p", Ops.ZeroPad, ["x"], GraphType.Int(8, 0, 255)),
            new("s0", Ops.Butterfly, ["p"], GraphType.Int(8, -510, 510), ("span", new IntAttr(1)), ("signs", new IntTensorAttr([8], signs))),
            new("s1", Ops.Butterfly, ["s0"], GraphType.Int(8, -1020, 1020), ("span", new IntAttr(2))),
            new("s2", Ops.Butterfly, ["s1"], GraphType.Int(8, -2040, 2040), ("span", new IntAttr(4))),
            new("out", Ops.Output, ["s2"], GraphType.Int(8, -2040, 2040)),
        };
        var graph = new HwFlow.Runtime.Graph.Graph("t", nodes);
        var golden = (IntValue)new GraphExecutor(graph, checkRanges: true).Run(raw, rows);
        var packed = (IntValue)PackedEngine.Create(graph).Run(raw, rows);
        for (int r = 0; r < rows; r++)
        {
            var v = new double[8];
            for (int i = 0; i < 5; i++) v[i] = raw[(r * 5) + i] * signs[i];
            WalshHadamardTransform.Transform(v);
            Assert.Equal(v, golden.Row(r).ToArray().Select(x => (double)x));
        }
        Assert.Equal(golden.Data, packed.Data);
    }
}
