using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests.Kernels;

public sealed class NarrowDenseTests
{
    private static IntTensorAttr Tensor(SplitMix64 rng, int range, params int[] shape) =>
        new(shape, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (long)rng.NextInt((2 * range) + 1) - range).ToArray());

    [Fact]
    public void DenseLayersOnBytesAndOnWideIntegersEqualTheGoldenKernel()
    {
        // x (bytes) -> dense with 10-bit weights (the byte-plane path) -> dense on signed 17-bit values (the 32-bit path).
        var rng = new SplitMix64(4);
        var nodes = new List<Node>
        {
            new("x", Ops.Input, [], GraphType.Int(37, 0, 255)),
            new("l0", Ops.Dense, ["x"], GraphType.Int(9, -10_000_000, 10_000_000), ("weights", Tensor(rng, 511, 37, 9)), ("bias", Tensor(rng, 1000, 9))),
            new("l0.q", Ops.Shift, ["l0"], GraphType.Int(9, -100_000, 100_000), ("amount", new IntAttr(7))),
            new("l1", Ops.Dense, ["l0.q"], GraphType.Int(5, -1_000_000_000, 1_000_000_000), ("weights", Tensor(rng, 300, 9, 5))),
        };
        nodes.Add(new Node("out", Ops.Output, ["l1"], nodes[^1].Type));
        var graph = new HwFlow.Runtime.Graph.Graph("dense", nodes);
        Assert.Equal(["l0", "l1"], PackedEngine.NarrowDenseNodes(graph));

        var raw = Enumerable.Range(0, 50 * 37).Select(_ => (byte)rng.NextInt(256)).ToArray();
        var golden = new GraphExecutor(graph).RunAll(raw, 50);
        var packed = PackedEngine.Create(graph).RunAll(raw, 50);
        foreach (var name in new[] { "l0", "l1" })
            Assert.Equal(((IntValue)golden[name]).Data, ((IntValue)packed[name]).Data);
    }

    [Fact]
    public void SumsThatCouldPassThirtyOneBitsStayWithTheGoldenKernel()
    {
        var rng = new SplitMix64(5);
        var nodes = new List<Node>
        {
            new("x", Ops.Input, [], GraphType.Int(8, 0, 255)),
            new("l0", Ops.Dense, ["x"], GraphType.Int(2, long.MinValue / 4, long.MaxValue / 4), ("weights", Tensor(rng, 20_000_000, 8, 2))),
        };
        nodes.Add(new Node("out", Ops.Output, ["l0"], nodes[^1].Type));
        Assert.Empty(PackedEngine.NarrowDenseNodes(new HwFlow.Runtime.Graph.Graph("wide", nodes)));
    }
}
