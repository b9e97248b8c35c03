using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Training;

/// <summary>
/// The layer stacks the compiler lowers (one per mode), for an architecture 784-H1-...-Hn-C:
/// <list type="bullet">
/// <item>hbnn: LinearLayer(+bias, or +-1 weights and no bias with a binary first layer) -> BatchNorm -> Ramp -> BinarizeLayer -> BinLayer -> BatchNorm -> Ramp
/// -> [BinLayer -> BatchNorm -> Ramp]* -> BinLayer -> BatchNorm -> Sigmoid (with one hidden layer:
/// LinearLayer -> BatchNorm -> Ramp -> BinarizeLayer -> BinLayer -> BatchNorm -> Sigmoid).</item>
/// <item>bnn: LinearLayer(+-1 weights, no bias) -> BatchNorm -> Sign -> [BinLayer(+-1) -> BatchNorm -> Sign]*
/// -> BinLayer(+-1) -> BatchNorm.</item>
/// <item>float: LinearLayer(+bias) -> BatchNorm -> Ramp -> ... -> LinearLayer(+bias) -> BatchNorm.</item>
/// </list>
/// With --first-layer wht the first LinearLayer is WalshHadamard [-> WalshHadamard]* (<see cref="TransformFront"/>).
/// </summary>
public static class NetworkBuilder
{
    private const ulong TransformSignStream = 0x5167_D1A6_0A11_5EEDUL;

    /// <param name="firstLayer">The first layer's weights; null for the mode's own (see <see cref="FirstLayerChoice.Resolve"/>).</param>
    /// <param name="transform">The transform front when the first layer is <see cref="FirstLayerWeights.WalshHadamard"/>.</param>
    public static TrainingNetwork Build(Architecture architecture, TrainingMode mode, int binAggression, ScaleMode scales, ulong seed,
        FirstLayerWeights? firstLayer = null, TransformFront? transform = null)
    {
        if (architecture.IsImage) return ImageNetworkBuilder.Build(architecture, mode, binAggression, scales, seed, firstLayer);
        var resolvedFirst = FirstLayerChoice.Resolve(mode, firstLayer);
        bool binaryFirst = resolvedFirst == FirstLayerWeights.Binary;
        var rng = new SplitMix64(seed);
        var layers = new List<ITrainLayer>();
        var widths = architecture.Widths;
        // Whether the current layer's input is provably non-negative, by ModelSpec.NonNegativeInputs' rule:
        // it decides unipolar versus bipolar hb, and must agree with the evaluator's.
        bool nonNegative = true;
        for (int l = 0; l + 1 < widths.Count; l++)
        {
            int inputs = widths[l], outputs = widths[l + 1];
            bool first = l == 0, last = l + 2 == widths.Count;
            if (first && resolvedFirst == FirstLayerWeights.WalshHadamard)
                layers.AddRange(TransformLayers(inputs, outputs, transform ?? TransformFront.Default, seed));
            else switch (mode)
            {
                case TrainingMode.Hbnn when first && binaryFirst:
                    layers.Add(Dense(inputs, outputs, WeightBinarization.Sign, bias: false, binLayer: false, hadamardInput: false, false));
                    break;
                case TrainingMode.Hbnn when first:
                    layers.Add(Dense(inputs, outputs, WeightBinarization.None, bias: true, binLayer: false, hadamardInput: false, false));
                    break;
                case TrainingMode.Hbnn:
                    if (l == 1)
                    {
                        layers.Add(new BinarizeTrainLayer(inputs, binAggression, nonNegative, scales));
                    }
                    layers.Add(Dense(inputs, outputs, WeightBinarization.Hadamard, bias: false, binLayer: true, hadamardInput: true, nonNegative));
                    break;
                case TrainingMode.Bnn:
                    layers.Add(Dense(inputs, outputs, WeightBinarization.Sign, bias: false, binLayer: !first, hadamardInput: false, false));
                    break;
                default:
                    layers.Add(Dense(inputs, outputs, WeightBinarization.None, bias: true, binLayer: false, hadamardInput: false, false));
                    break;
            }
            layers.Add(new BatchNormTrainLayer(outputs));
            nonNegative = false;
            if (last) break;
            if (mode == TrainingMode.Bnn)
            {
                layers.Add(new SignTrainLayer(outputs));
            }
            else
            {
                layers.Add(new RampTrainLayer(outputs));
                nonNegative = true;
            }
        }
        return new TrainingNetwork(architecture, mode, binAggression, scales, layers, trailingSigmoid: mode == TrainingMode.Hbnn);

        static IEnumerable<ITrainLayer> TransformLayers(int inputs, int size, TransformFront front, ulong seed)
        {
            // each transform's signs get their own seed, drawn from the run's seed (and recorded in the model)
            var seeds = new SplitMix64(seed ^ TransformSignStream);
            for (int k = 0; k < front.Stack; k++)
            {
                var diagonal = k + 1 < front.Stack ? front.Diagonal : TransformDiagonal.None;
                yield return new WalshHadamardTrainLayer(k == 0 ? inputs : size, size, seeds.NextUInt64(), TransformFront.ShiftFor(size), diagonal);
            }
        }

        DenseTrainLayer Dense(int inputs, int outputs, WeightBinarization weights, bool bias, bool binLayer, bool hadamardInput, bool unipolar) =>
            new(inputs, outputs, weights, bias, binLayer, hadamardInput, unipolar, binAggression, scales, rng);
    }
}
