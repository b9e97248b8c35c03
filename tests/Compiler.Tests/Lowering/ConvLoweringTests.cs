using CsCheck;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Passes;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>Convolutional models through import, integer lowering and the packed engine, on random models and inputs.</summary>
public sealed class ConvLoweringTests
{
    [Fact]
    public void ImportedConvGraphExecutesExactlyLikeTheFloatReference()
    {
        Gen.ULong.Sample(seed =>
        {
            var model = RandomConvModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 8);
            int rows = inputs.Length / model.Input.Features;
            var expected = new FloatEvaluator(model).Evaluate(Matrix.FromBytes(inputs, rows, model.Input.Features, model.Input.Scale));
            var actual = (RealValue)new GraphExecutor(ModelImporter.Import(model)).Run(inputs, rows);
            Assert.Equal(expected.Data, actual.Data);
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void EveryPassKeepsItsDeclaredBoundOnRandomConvModels()
    {
        var checkedPasses = new HashSet<string>();
        Gen.ULong.Sample(seed =>
        {
            var model = RandomConvModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed);
            var checker = new SemanticChecker(inputs, inputs.Length / model.Input.Features);
            IntegerLowering.Lower(model, new CompileOptions(), checker);
            Assert.True(checker.Failures.Count == 0, $"model seed {seed}:\n" + string.Join("\n", checker.Failures.Take(10)));
            lock (checkedPasses) checkedPasses.UnionWith(checker.PassesChecked);
        }, iter: 150, threads: 1);

        string[] expected = ["split-conv", "drop-flatten", "lower-window", "lower-linear", "lower-bin", "lower-batchnorm-sign", "lower-ramp", "lower-sign"];
        Assert.Empty(expected.Except(checkedPasses));
    }

    [Fact]
    public void LoweredConvGraphsNeverLeaveTheirRangesOnAdversarialInputs()
    {
        Gen.ULong.Sample(seed =>
        {
            var model = RandomConvModels.Create(seed);
            var graph = IntegerLowering.Lower(model, new CompileOptions { ActivationBits = 12, CoefBits = 8 });
            Assert.DoesNotContain(graph.Nodes, n => Ops.LayerLevel.Contains(n.Op));
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 8);
            new GraphExecutor(graph, checkRanges: true).Run(inputs, inputs.Length / model.Input.Features);
        }, iter: 60, threads: 1);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void PackedEngineEqualsTheGoldenKernelOnConvModels(bool pixelChunks, bool wordLanes)
    {
        int fusedModels = 0, slotModels = 0, postPoolModels = 0;
        Gen.ULong.Sample(seed =>
        {
            var model = RandomConvModels.Create(seed, pixelChunks);
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 8);
            int rows = inputs.Length / model.Input.Features;
            // every +-1 bin-dot runs packed, also those a BatchNorm was folded into (they carry its "typical" range)
            var binary = graph.Nodes.Where(n => n.Op == Ops.BinDot && n.IntTensor("weights").Data.All(w => w is 1 or -1)).Select(n => n.Name);
            Assert.Equal(binary, PackedEngine.PackedNodes(graph));
            var golden = new GraphExecutor(graph).RunAll(inputs, rows);
            var options = new KernelOptions(KernelCpu.Best, Threads: 1, WordLanes: wordLanes);
            var engine = PackedEngine.Create(graph, options);
            var slotNodes = PackedEngine.SlotDotNodes(graph, options);
            if (!wordLanes) Assert.Empty(slotNodes);
            if (slotNodes.Count > 0) Interlocked.Increment(ref slotModels);
            // a block that ends in a step after its pool (the shift before the next layer) leaves that step's name as its own
            if (engine.Graph.Nodes.Any(n => n.Op == "fused-conv" && graph.Operand(graph.Nodes.First(m => m.Name == n.Name)).Op != Ops.MaxPool
                && graph.Nodes.First(m => m.Name == n.Name).Op is Ops.Shift or Ops.Clamp or Ops.Relu)) Interlocked.Increment(ref postPoolModels);
            var packed = engine.RunAll(inputs, rows);
            // a convolution block's inner values are never formed; its last value and every other node's must be the golden kernel's
            int fused = engine.Graph.Nodes.Count(n => n.Op == "fused-conv");
            if (pixelChunks) Assert.True(fused == 2, $"{model.Name}: {fused} of its 2 convolutions ran as packed blocks");
            if (fused > 0) Interlocked.Increment(ref fusedModels);
            Assert.True(packed.ContainsKey(graph.Output.Name));
            foreach (var node in graph.Nodes.Where(n => packed.ContainsKey(n.Name)))
            {
                switch (golden[node.Name])
                {
                    case IntValue e:
                        Assert.True(e.Data.AsSpan().SequenceEqual(((IntValue)packed[node.Name]).Data), $"{model.Name}: %{node.Name} ({node.Op}) differs");
                        break;
                    case BitsValue e:
                        Assert.True(e.Data.AsSpan().SequenceEqual(((BitsValue)packed[node.Name]).Data), $"{model.Name}: %{node.Name} ({node.Op}) differs");
                        break;
                }
            }
        }, iter: 40, threads: 1);
        Assert.True(fusedModels > 0, "no model ran a convolution as a packed block");
        // chunk factors in slots: every pixel-chunk model has them (HBNN's, and BNN's per-pixel chunk sums)
        if (wordLanes && pixelChunks && KernelCpu.SlotDot) Assert.True(slotModels > 0, "no model ran a bin-dot on the slot-dot kernels");
        if (pixelChunks) Assert.True(postPoolModels > 0, "no block ran the step after its pool");
    }

    [Fact]
    public void ClassifyingBatchAfterBatchReusesArraysWithoutChangingAClass()
    {
        // more rows than one batch holds, twice: the second batch and the second pass run on arrays the first released
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var model = RandomConvModels.Create(seed, pixelChunks: true);
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            int batch = Batch.Rows(PackedEngine.Create(graph).Graph.Nodes.Max(n => (long)n.Type.Length));
            int rows = batch + (batch / 2) + 1;
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: rows - 4);
            var expected = new GraphExecutor(graph).Classify(inputs, rows);
            var engine = PackedEngine.Create(graph, new KernelOptions(KernelCpu.Best, Threads: 1));
            Assert.Equal(expected, engine.Classify(inputs, rows));
            Assert.Equal(expected, engine.Classify(inputs, rows));
            Assert.Equal(expected.Take(batch / 3), engine.Classify(inputs.AsSpan(0, batch / 3 * model.Input.Features), batch / 3));
        }
    }

    [Fact]
    public void PackedEngineEqualsTheGoldenKernelWhenEveryThresholdPointsUp()
    {
        // positive BatchNorm scales make every threshold's direction +1: then the blocks pool before their post
        // ops, and a first convolution of 32 outputs pools its positions' sums in registers (BNN: before a threshold)
        int bnn32 = 0, hbnn32 = 0;
        for (ulong seed = 1; seed <= 400 && (bnn32 < 3 || hbnn32 < 3); seed++)
        {
            var model = RandomConvModels.Create(seed, pixelChunks: true);
            if (model.Layers.OfType<Conv2D>().First().Weights.Shape[^1] != 32) continue;
            bool bnn = model.Layers.OfType<Sign>().Any() && !model.Layers.OfType<Ramp>().Any();
            if (bnn ? bnn32++ >= 3 : hbnn32++ >= 3) continue;
            var layers = model.Layers.Select(l => l is BatchNorm n
                ? n with { Gamma = new Tensor(n.Gamma.Shape, [.. n.Gamma.Data.Select(g => Math.Abs(g) + 0.05f)]) }
                : l).ToList();
            model = model with { Layers = layers };
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            Assert.DoesNotContain(graph.Nodes, n => n.Op == Ops.Threshold && n.Has("dir") && n.IntTensor("dir").Data.Any(d => d != 1));
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 12);
            int rows = inputs.Length / model.Input.Features;
            var golden = new GraphExecutor(graph).RunAll(inputs, rows);
            var engine = PackedEngine.Create(graph, new KernelOptions(KernelCpu.Best, Threads: 1));
            Assert.Equal(2, engine.Graph.Nodes.Count(n => n.Op == "fused-conv"));
            var packed = engine.RunAll(inputs, rows);
            foreach (var node in graph.Nodes.Where(n => packed.ContainsKey(n.Name)))
            {
                bool same = (golden[node.Name], packed[node.Name]) switch
                {
                    (IntValue e, IntValue a) => e.Data.AsSpan().SequenceEqual(a.Data),
                    (BitsValue e, BitsValue a) => e.Data.AsSpan().SequenceEqual(a.Data),
                    _ => true,
                };
                Assert.True(same, $"{model.Name}: %{node.Name} ({node.Op}) differs");
            }
        }
        Assert.True(bnn32 >= 3 && hbnn32 >= 3, $"found {bnn32} BNN and {hbnn32} HBNN models with a 32-output first convolution");
    }

    [Fact]
    public void ChannelMajorFirstConvolutionEqualsTheGoldenKernelAndRefusesWhatItCannotRun()
    {
        // random models: one or two input channels, stride 1 or 2, pools of stride 1 or 2 that may overhang; only
        // one channel at stride 1 with a 2x2 stride-2 pool inside the grid and outputs in whole vectors may run channel-major
        int used = 0, refused = 0;
        var options = new KernelOptions(KernelCpu.Best, Threads: 1);
        for (ulong seed = 1; seed <= 400 && (used < 4 || refused < 4); seed++)
        {
            var model = RandomConvModels.Create(seed, pixelChunks: true);
            var conv = model.Layers.OfType<Conv2D>().First();
            if (conv.Weights.Shape[^1] % 16 != 0) continue;
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            var planes = PackedEngine.PlaneNodes(graph, options).Concat(PackedEngine.RowPairNodes(graph, options)).ToList();
            Assert.True(planes.Count <= 1, $"{model.Name}: one form per block");
            if (planes.Count == 0)
            {
                refused++;
            }
            else
            {
                used++;
                var pool = model.Layers.OfType<MaxPool2D>().First();
                Assert.True(model.Input.Shape[2] == 1 && conv.Stride == 1 && pool.Size == 2 && pool.Stride == 2, $"{model.Name} ran channel-major");
            }
            AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options);
        }
        if (!System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) return;
        Assert.True(used >= 4 && refused >= 4, $"{used} models ran channel-major, {refused} were refused");
    }

    [Theory]
    [InlineData(false, 1ul, 48, "row pairs", true)]
    [InlineData(true, 2ul, 32, "planes", true)]
    [InlineData(false, 3ul, 64, "row pairs", true)]
    [InlineData(false, 4ul, 32, "row pairs", true)]
    [InlineData(false, 5ul, 16, "row pairs", false)]
    [InlineData(false, 6ul, 64, "row pairs", false)]
    public void ChannelMajorFirstConvolutionCoversImagesWiderThanOneVector(bool bnn, ulong seed, int outputs, string form, bool ramp)
    {
        // 34 x 38 pixels, padding 1: 17 x 19 pool windows, so a pool row needs two vectors of 16 windows;
        // BNN: BatchNorm scales of both signs, so some channels pool by min (planes). Where every channel pools by
        // max, the row-pair kernel (weights in registers) runs, its pool floored at 0 when a relu follows (ramp),
        // at int.MinValue when no activation does (sums of both signs reach the pool)
        var rng = new SplitMix64(seed);
        var shape = new[] { 34, 38, 1 };
        var layers = new List<Layer>
        {
            new Conv2D(bnn ? RandomModels.Signs(rng, 3, 3, 1, outputs) : RandomModels.Gaussian(rng, 0.3, 3, 3, 1, outputs), bnn ? null : RandomModels.Gaussian(rng, 0.3, outputs), 1, 1),
            RandomModels.Norm(rng, outputs, meanScale: bnn ? 2 : 1),
            bnn ? new Sign() : ramp ? new Ramp() : null!,
            new MaxPool2D(2, 2),
            new BinConv2D(RandomModels.Gaussian(rng, 1, 3, 3, outputs, 16), 1, 1) { BinAggression = bnn ? outputs : null },
        };
        layers.RemoveAll(l => l is null);
        if (bnn) layers.AddRange([RandomModels.Norm(rng, 16, meanScale: 2), new Sign()]);
        else layers.Add(new Ramp());
        layers.Add(new Flatten());
        var probe = layers.Aggregate(shape, (s, l) => l.OutputShape(s));
        layers.Add(new BinLayer(RandomModels.Gaussian(rng, 1, probe[0], 10)));
        var model = new ModelSpec($"wide-{seed}", new InputSpec(shape, "uint8", 1.0 / 255), bnn ? outputs : 16, layers, OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var options = new KernelOptions(KernelCpu.Best, Threads: 1);
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported && (System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0)
        {
            Assert.Equal(form == "planes" ? 1 : 0, PackedEngine.PlaneNodes(graph, options).Count);
            Assert.Equal(form == "row pairs" ? 1 : 0, PackedEngine.RowPairNodes(graph, options).Count);
        }
        Assert.Empty(PackedEngine.PlaneNodes(graph, options with { WordLanes = false }));
        Assert.Empty(PackedEngine.RowPairNodes(graph, options with { WordLanes = false }));
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options);
    }

    [Theory]
    [InlineData(1UL, 13, 11, 32, 16, 3, 1, 1, true, true)]
    [InlineData(2UL, 14, 14, 64, 128, 3, 1, 1, true, true)]
    [InlineData(3UL, 18, 15, 96, 40, 3, 2, 0, false, true)]
    [InlineData(4UL, 12, 10, 64, 24, 2, 1, 1, true, false)]
    [InlineData(5UL, 11, 13, 128, 64, 1, 1, 0, false, true)]
    [InlineData(6UL, 10, 12, 16, 32, 3, 1, 1, true, true)]
    [InlineData(7UL, 16, 9, 48, 48, 3, 1, 1, true, true)]
    public void HbnnConvolutionReadsItsSlotRecordsInPlace(ulong seed, int height, int width, int c1, int c2, int kernel, int stride, int padding, bool ramp, bool pool)
    {
        // HBNN's second convolution (chunks of 16 in each pixel's channels): where a pixel's channels are whole slot pairs
        // (a multiple of 32), its records are built pixel by pixel from the first block's output and read in place from a
        // padded image, kernel row by kernel row; odd image sizes, strides, no padding, 16-128 outputs, with and without a
        // relu and a pool after it (then the shift before the dense layer runs inside the block). 16 and 48 channels: not whole pairs.
        var rng = new SplitMix64(seed);
        var shape = new[] { height, width, 1 };
        var layers = new List<Layer>
        {
            new Conv2D(RandomModels.Gaussian(rng, 0.3, 3, 3, 1, c1), RandomModels.Gaussian(rng, 0.3, c1), 1, 1),
            RandomModels.Norm(rng, c1),
            new Ramp(),
            new MaxPool2D(2, 2, PoolEdge.Floor),
            new BinConv2D(RandomModels.Gaussian(rng, 1, kernel, kernel, c1, c2), stride, padding),
            RandomModels.Norm(rng, c2),
        };
        if (ramp) layers.Add(new Ramp());
        if (pool) layers.Add(new MaxPool2D(2, 2, PoolEdge.Floor));
        layers.Add(new Flatten());
        var probe = layers.Aggregate(shape, (s, l) => l.OutputShape(s));
        layers.Add(new BinLayer(RandomModels.Gaussian(rng, 1, probe[0], 10)));
        var model = new ModelSpec($"hbnn-records-{seed}", new InputSpec(shape, "uint8", 1.0 / 255), 16, layers, OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var options = new KernelOptions(KernelCpu.Best, Threads: 1);
        bool inPlace = c1 % 32 == 0 && PackedEngine.SlotDotNodes(graph, options).Count > 0 && KernelCpu.SlotDot;
        Assert.Equal(inPlace ? 1 : 0, PackedEngine.RecordImageNodes(graph, options).Count);
        // the pre ops (the shift, then the threshold and the sums of its values) as one chain: each pixel in one vector pass
        Assert.Equal(PackedEngine.RecordImageNodes(graph, options), PackedEngine.VectorPixelNodes(graph, options));
        // unipolar bits of a zero padding pixel count nothing: the kernel leaves padding cells out where the image has them
        Assert.Equal(padding > 0 ? PackedEngine.RecordImageNodes(graph, options) : [], PackedEngine.PaddingSkipNodes(graph, options));
        Assert.Empty(PackedEngine.RecordImageNodes(graph, options with { WordLanes = false }));
        // the dense layer's threshold and chunk sums of the same value go straight into its slot records (one fused node)
        var fusedDots = PackedEngine.Create(graph, options).Graph.Nodes.Where(n => n.Op == "fused-slot-dot").Select(n => n.Name);
        Assert.Equal(KernelCpu.SlotDot ? PackedEngine.SlotDotNodes(graph, options).Where(n => graph.Nodes.First(m => m.Name == n).Op == Ops.BinDot) : [], fusedDots);
        if (KernelCpu.SlotDot) Assert.NotEmpty(fusedDots);
        // its inputs whole pairs of chunks (a multiple of 32 values): each pair's record straight from its 32 values
        Assert.Equal(probe[0] % 32 == 0 ? fusedDots : [], PackedEngine.WholePairNodes(graph, options));
        // the first block builds the second's record images image by image, as it writes each image's values
        Assert.Equal(PackedEngine.RecordImageNodes(graph, options), PackedEngine.FedRecordImageNodes(graph, options));
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options);
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options with { WordLanes = false });
        // images spread over two threads; and value arrays reused (classify hands them back) with new images in them
        var other = RandomModels.Inputs(model.Input.Features, seed + 100, randomRows: 12);
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options with { Threads = 2 }, other);
    }

    [Theory]
    [InlineData(1UL, 14, 14, 32, 32, 64, 1, true)]
    [InlineData(2UL, 13, 11, 64, 32, 32, 1, true)]
    [InlineData(3UL, 12, 15, 32, 32, 48, 1, false)]
    [InlineData(4UL, 12, 12, 64, 64, 32, 1, true)]
    public void BnnConvolutionReadsItsSlotRecordsInPlace(ulong seed, int height, int width, int c1, int chunk, int c2, int padding, bool pool)
    {
        // BNN's second convolution reads the first block's +-1 bits in chunks of 32 (one slot pair, both slots with the
        // chunk's factor): its records are built pixel by pixel from the bits and read in place; chunks of 64 are not
        var rng = new SplitMix64(seed);
        var shape = new[] { height, width, 1 };
        var layers = new List<Layer>
        {
            new Conv2D(RandomModels.Signs(rng, 3, 3, 1, c1), null, 1, 1),
            RandomModels.Norm(rng, c1, meanScale: 2),
            new Sign(),
            new MaxPool2D(2, 2, PoolEdge.Floor),
            new BinConv2D(RandomModels.Signs(rng, 3, 3, c1, c2), 1, padding) { BinAggression = chunk },
            RandomModels.Norm(rng, c2, meanScale: 2),
            new Sign(),
        };
        if (pool) layers.Add(new MaxPool2D(2, 2, PoolEdge.Floor));
        layers.Add(new Flatten());
        var probe = layers.Aggregate(shape, (s, l) => l.OutputShape(s));
        layers.Add(new BinLayer(RandomModels.Signs(rng, probe[0], 10)));
        var model = new ModelSpec($"bnn-records-{seed}", new InputSpec(shape, "uint8", 1.0 / 255), chunk, layers, OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var options = new KernelOptions(KernelCpu.Best, Threads: 1);
        bool inPlace = chunk == 32 && PackedEngine.SlotDotNodes(graph, options).Count > 0 && KernelCpu.SlotDot;
        if (KernelCpu.SlotDot) Assert.NotEmpty(PackedEngine.SlotDotNodes(graph, options));
        Assert.Equal(inPlace ? 1 : 0, PackedEngine.RecordImageNodes(graph, options).Count);
        Assert.Equal(PackedEngine.RecordImageNodes(graph, options), PackedEngine.VectorPixelNodes(graph, options));
        Assert.Equal(padding > 0 ? PackedEngine.RecordImageNodes(graph, options) : [], PackedEngine.PaddingSkipNodes(graph, options));
        // the first block writes bits: nothing to feed the records from
        Assert.Empty(PackedEngine.FedRecordImageNodes(graph, options));
        Assert.Empty(PackedEngine.RecordImageNodes(graph, options with { WordLanes = false }));
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options);
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options with { WordLanes = false });
        AssertPackedEqualsGolden(graph, RandomModels.Inputs(model.Input.Features, seed, randomRows: 12), options with { Threads = 2 });
    }

    /// <param name="before">Images the packed engine classifies first (its value arrays then come back for reuse).</param>
    private static void AssertPackedEqualsGolden(HwFlow.Runtime.Graph.Graph graph, byte[] inputs, KernelOptions options, byte[]? before = null)
    {
        int rows = inputs.Length / graph.Input.Type.Length;
        var golden = new GraphExecutor(graph).RunAll(inputs, rows);
        var engine = PackedEngine.Create(graph, options);
        if (before is not null)
        {
            int earlier = before.Length / graph.Input.Type.Length;
            Assert.Equal(GraphExecutor.Classes(new GraphExecutor(graph).Run(before, earlier)), engine.Classify(before, earlier));
        }
        var packed = engine.RunAll(inputs, rows);
        Assert.True(packed.ContainsKey(graph.Output.Name));
        foreach (var node in graph.Nodes.Where(n => packed.ContainsKey(n.Name)))
        {
            bool same = (golden[node.Name], packed[node.Name]) switch
            {
                (IntValue e, IntValue a) => e.Data.AsSpan().SequenceEqual(a.Data),
                (BitsValue e, BitsValue a) => e.Data.AsSpan().SequenceEqual(a.Data),
                _ => true,
            };
            Assert.True(same, $"{graph.Name}: %{node.Name} ({node.Op}) differs");
        }
    }
}
