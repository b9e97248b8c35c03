using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Kernels;

/// <summary>The packed engine against the integer golden kernel: every node's value, bit for bit.</summary>
public sealed class PackedEngineTests
{
    public static TheoryData<KernelIsa> Levels()
    {
        var data = new TheoryData<KernelIsa>();
        foreach (var isa in Enum.GetValues<KernelIsa>().Where(i => i <= KernelCpu.Best)) data.Add(isa);
        return data;
    }

    private static Tensor Gaussian(SplitMix64 rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)rng.NextGaussian();
        return t;
    }

    /// <summary>Seed-style HBNNs and a BNN: unipolar (after Ramp) and bipolar (after Sign) bin layers, odd widths and chunks.</summary>
    private static IEnumerable<ModelSpec> Models(ulong seed)
    {
        var rng = new SplitMix64(seed);
        foreach (var scales in new[] { ScaleMode.Exact, ScaleMode.Pow2 })
        {
            yield return new ModelSpec("hbnn", new InputSpec([70], "uint8", 1.0 / 255), 16,
            [
                new LinearLayer(Gaussian(rng, 70, 130), Gaussian(rng, 130)),
                new Ramp(),
                new BinarizeLayer(),
                new BinLayer(Gaussian(rng, 130, 67)),
                new Ramp(),
                new BinLayer(Gaussian(rng, 67, 10)) { BinAggression = 5 },
                new Sigmoid(),
            ], OutputKind.Class, scales);
        }
        var ones = new Tensor([90], Enumerable.Repeat(1f, 90).ToArray());
        yield return new ModelSpec("bnn", new InputSpec([33], "uint8", 1.0 / 255), 1000,
        [
            new LinearLayer(Gaussian(rng, 33, 90)),
            new BatchNorm(Gaussian(rng, 90), ones, Gaussian(rng, 90), Gaussian(rng, 90), 1e-4),
            new Sign(),
            new BinLayer(Gaussian(rng, 90, 77)),
            new HardTanh(),
            new Sign(),
            new BinLayer(Gaussian(rng, 77, 7)) { BinAggression = 9 },
        ], OutputKind.Scores);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void EveryNodeEqualsTheGoldenKernelBitForBit(KernelIsa isa)
    {
        // 8-bit first-layer weights take the byte (VNNI) dense path where the CPU has it; 12-bit ones the 32-bit path.
        foreach (var (model, options) in Models(3).SelectMany(m => new[] { (m, new CompileOptions()), (m, new CompileOptions { FirstLayerBits = 12 }) }))
        {
            var graph = IntegerLowering.Lower(model, options);
            Assert.Equal(graph.Nodes.Where(n => n.Op == Ops.BinDot).Select(n => n.Name), PackedEngine.PackedNodes(graph));
            Assert.Equal(2, PackedEngine.PackedNodes(graph).Count);
            Assert.Single(PackedEngine.NarrowDenseNodes(graph));
            if (model.Scales == ScaleMode.Pow2) Assert.Contains(graph.Nodes, n => n.Op == Ops.BinDot && n.Has("shift"));
            var rng = new SplitMix64(9);
            int rows = 37;
            var raw = Enumerable.Range(0, rows * model.Input.Features).Select(_ => (byte)rng.NextInt(256)).ToArray();
            var golden = new GraphExecutor(graph, checkRanges: true).RunAll(raw, rows);
            var packed = PackedEngine.Create(graph, new KernelOptions(isa, Threads: 2)).RunAll(raw, rows);
            foreach (var node in graph.Nodes)
            {
                var expected = golden[node.Name];
                var actual = packed[node.Name];
                switch (expected)
                {
                    case IntValue e:
                        Assert.True(e.Data.AsSpan().SequenceEqual(((IntValue)actual).Data), $"{model.Name}/{model.Scales}: %{node.Name} ({node.Op}) differs");
                        break;
                    case BitsValue e:
                        Assert.True(e.Data.AsSpan().SequenceEqual(((BitsValue)actual).Data), $"{model.Name}/{model.Scales}: %{node.Name} ({node.Op}) differs");
                        break;
                }
            }
        }
    }
}
