using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Semantics;

public sealed class FloatEvaluatorTests
{
    private static readonly Tensor W0 = new([3, 4], [1, -1, 0, 2, 0, 1, -2, 1, 1, 0, 1, -1]);
    private static readonly Tensor W1 = new([4, 2], [1, -1, 2, 1, -1, 3, 4, 1]);

    private static ModelSpec Net(params Layer[] layers) =>
        new("hand", new InputSpec([3], "uint8", 0.5), 2, layers, OutputKind.Class);

    private static Matrix Input() => Matrix.FromBytes([4, 2, 6], 1, 3, 0.5); // real [2, 1, 3]

    [Fact]
    public void SeedStyleThreeLayerNetByHand()
    {
        // x.W0 = [5,-1,1,2]; Ramp -> [5,0,1,2]; unipolar hb(k=2) -> [2.5,0,1.5,1.5]
        // hbW(W1): column 0 [1,2,-1,4] -> [1.5,1.5,-2.5,2.5]; column 1 [-1,1,3,1] -> [-1,1,2,2]
        // out = [2.5*1.5 - 1.5*2.5 + 1.5*2.5, -2.5 + 1.5*2 + 1.5*2] = [3.75, 3.5]
        var evaluator = new FloatEvaluator(Net(new LinearLayer(W0), new Ramp(), new BinLayer(W1), new Sigmoid()));
        var all = evaluator.EvaluateAll(Input());
        Assert.Equal(5, all.Count);
        Assert.Equal([2, 1, 3], all[0].Data);
        Assert.Equal([5, -1, 1, 2], all[1].Data);
        Assert.Equal([5, 0, 1, 2], all[2].Data);
        Assert.Equal([3.75, 3.5], all[3].Data);
        Assert.Equal(1 / (1 + Math.Exp(-3.75)), all[4][0, 0], 15);
        Assert.Equal(1 / (1 + Math.Exp(-3.5)), all[4][0, 1], 15);
        Assert.Equal(all[4].Data, evaluator.Evaluate(Input()).Data);
        Assert.Equal([0], evaluator.Classify([4, 2, 6], 1));
    }

    [Fact]
    public void BinarizeLayerBeforeBinLayerBinarizesTwiceAsTheSeedWrites()
    {
        // BinarizeLayer -> [2.5,0,1.5,1.5]; BinLayer re-binarizes (unipolar): [1.25,0,1.5,1.5]
        // out = [1.25*1.5 - 1.5*2.5 + 1.5*2.5, -1.25 + 1.5*2 + 1.5*2] = [1.875, 4.75]
        var evaluator = new FloatEvaluator(Net(new LinearLayer(W0), new Ramp(), new BinarizeLayer(), new BinLayer(W1)));
        var all = evaluator.EvaluateAll(Input());
        Assert.Equal([2.5, 0, 1.5, 1.5], all[3].Data);
        Assert.Equal([1.875, 4.75], all[4].Data);
    }

    [Fact]
    public void BipolarBinLayerAfterALinearLayer()
    {
        // No Ramp: the input [5,-1,1,2] is bipolar-binarized: [3,-3,1.5,1.5]
        // out0 = 3*1.5 - 3*1.5 + 1.5*-2.5 + 1.5*2.5 = 0; out1 = -3 - 3 + 3 + 3 = 0
        var evaluator = new FloatEvaluator(Net(new LinearLayer(W0), new BinLayer(W1)));
        Assert.Equal([0, 0], evaluator.Evaluate(Input()).Data);
    }

    [Fact]
    public void BiasBatchNormSignAndHardTanh()
    {
        var bias = new Tensor([4], [0.5f, 1, -1, 0]);
        var norm = new BatchNorm(new Tensor([4], [1, 0, 0, 0]), new Tensor([4], [3, 0, 0, 0]), new Tensor([4], [2, 1, -1, 1]), new Tensor([4], [0.5f, 0, 0, -2]), 1);
        var evaluator = new FloatEvaluator(Net(new LinearLayer(W0, bias), norm, new HardTanh(), new Sign()));
        var all = evaluator.EvaluateAll(Input());
        Assert.Equal([5.5, 0, 0, 2], all[1].Data);
        // BN: 2*(5.5-1)/2+0.5 = 5; 0/1+0 = 0; -1*0/1 = -0 (sign +1); 2/1-2 = 0
        Assert.Equal([5, 0, 0, 0], all[2].Data);
        Assert.Equal([1, 0, 0, 0], all[3].Data);
        Assert.Equal([1, 1, 1, 1], all[4].Data);
    }

    [Fact]
    public void SignAfterRampIsUnipolar()
    {
        var evaluator = new FloatEvaluator(Net(new LinearLayer(W0), new Ramp(), new Sign()));
        Assert.Equal([1, 0, 1, 1], evaluator.Evaluate(Input()).Data);
    }

    [Fact]
    public void PerLayerBinAggressionOverridesTheModelDefault()
    {
        // k = 4 over [5,0,1,2] (unipolar): mean 2 -> [2,0,2,2]; hbW(W1, 4): column 0 mean 2 -> [2,2,-2,2]; column 1 mean 1.5
        var evaluator = new FloatEvaluator(Net(new LinearLayer(W0), new Ramp(), new BinLayer(W1) { BinAggression = 4 }));
        Assert.Equal([2 * 2 + 2 * -2 + 2 * 2, 2 * -1.5 + 2 * 1.5 + 2 * 1.5], evaluator.Evaluate(Input()).Data);
    }

    [Fact]
    public void BatchesEvaluateRowByRow()
    {
        var model = Model.SampleModels.SeedStyle();
        var evaluator = new FloatEvaluator(model);
        var rng = new SplitMix64(5);
        var raw = Enumerable.Range(0, 5 * 8).Select(_ => (byte)rng.NextInt(256)).ToArray();
        var batch = evaluator.Evaluate(Matrix.FromBytes(raw, 5, 8, model.Input.Scale));
        for (int r = 0; r < 5; r++)
        {
            var single = evaluator.Evaluate(Matrix.FromBytes(raw.AsSpan(r * 8, 8), 1, 8, model.Input.Scale));
            Assert.Equal(single.Data, batch.Row(r).ToArray());
        }
    }
}

public sealed class SaturatedSigmoidTests
{
    [Fact]
    public void ClassesAreTakenBeforeAFinalSigmoidSoSaturationCannotTie()
    {
        // scores 40 and 50 both become exactly 1.0 after the sigmoid in double precision
        var w = new HwFlow.Runtime.Tensors.Tensor([1, 2], [40, 50]);
        var model = new ModelSpec("sat", new InputSpec([1], "uint8", 1), 1, [new LinearLayer(w), new Sigmoid()], OutputKind.Class);
        var evaluator = new FloatEvaluator(model);
        var output = evaluator.Evaluate(Matrix.FromBytes([1], 1, 1, 1));
        Assert.Equal(output[0, 0], output[0, 1]);
        Assert.Equal([1], evaluator.Classify([1], 1));
    }
}
