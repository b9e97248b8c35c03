using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Training;

/// <summary>
/// The layer stacks of image networks (one per mode), stage by stage. Every convolution and
/// every fully connected layer but the last is followed by BatchNorm and the mode's activation,
/// a pool by nothing (it comes after the activation, where max commutes with it):
/// <list type="bullet">
/// <item>hbnn: Conv2D(+bias; +-1 weights and no bias with a binary first layer) BatchNorm Ramp,
/// then BinConv2D BatchNorm Ramp per convolution, MaxPool2D per pool, Flatten, BinLayer BatchNorm
/// Ramp per hidden width, BinLayer BatchNorm Sigmoid. No BinarizeLayer: a BinConv2D binarizes
/// its receptive fields itself.</item>
/// <item>bnn: Conv2D(+-1, no bias) BatchNorm Sign, then BinConv2D(+-1) BatchNorm Sign ..., Flatten,
/// BinLayer(+-1) BatchNorm Sign ..., BinLayer(+-1) BatchNorm. A BinConv2D's binAggression is its
/// input channel count, so each chunk is one pixel: a padded pixel (real 0) has chunk mean 0
/// and every other pixel's +-1 values have mean 1, so the model computes exactly the
/// zero-padded sum the trainer trains.</item>
/// <item>float: Conv2D(+bias) BatchNorm Ramp ..., Flatten, LinearLayer(+bias) BatchNorm Ramp ..., LinearLayer(+bias) BatchNorm.</item>
/// </list>
/// </summary>
public static class ImageNetworkBuilder
{
    public static TrainingNetwork Build(Architecture architecture, TrainingMode mode, int binAggression, ScaleMode scales, ulong seed,
        FirstLayerWeights? firstLayer = null)
    {
        if (scales == ScaleMode.Pow2)
            throw new Runtime.Errors.UserError("--scales pow2 is not supported for image networks yet (their convolutions lower with exact chunk scales only)");
        bool binaryFirst = FirstLayerChoice.Resolve(mode, firstLayer) == FirstLayerWeights.Binary;
        var rng = new SplitMix64(seed);
        var layers = new List<ITrainLayer>();
        int[] shape = [.. architecture.InputShape];
        // whether the current input is provably non-negative (ModelSpec.NonNegativeInputs' rule): unipolar or bipolar hb
        bool nonNegative = true;
        bool first = true;
        var stages = architecture.Stages;
        for (int s = 0; s < stages.Count; s++)
        {
            switch (stages[s])
            {
                case ConvStage conv:
                {
                    int patch = conv.Kernel * conv.Kernel * shape[2];
                    var dense = (mode, first) switch
                    {
                        (TrainingMode.Hbnn, true) when binaryFirst => Dense(patch, conv.Channels, WeightBinarization.Sign, false, false, false),
                        (TrainingMode.Hbnn, true) => Dense(patch, conv.Channels, WeightBinarization.None, true, false, false),
                        (TrainingMode.Hbnn, false) => Dense(patch, conv.Channels, WeightBinarization.Hadamard, false, true, true, nonNegative),
                        (TrainingMode.Bnn, _) => Dense(patch, conv.Channels, WeightBinarization.Sign, false, !first, false, chunk: shape[2]),
                        _ => Dense(patch, conv.Channels, WeightBinarization.None, true, false, false),
                    };
                    var layer = new ConvTrainLayer(shape, conv, dense, mode == TrainingMode.Bnn && !first ? shape[2] : null);
                    layers.Add(layer);
                    shape = layer.OutputShape;
                    Activate(shape[2], shape[0] * shape[1]);
                    first = false;
                    break;
                }
                case PoolStage pool:
                {
                    var layer = new MaxPoolTrainLayer(shape, pool);
                    layers.Add(layer);
                    shape = layer.OutputShape;
                    break;
                }
                case FlattenStage:
                    layers.Add(new FlattenTrainLayer(shape.Aggregate(1, (a, b) => a * b)));
                    shape = [shape.Aggregate(1, (a, b) => a * b)];
                    break;
                case DenseStage dense:
                {
                    bool last = s == stages.Count - 1;
                    layers.Add(mode switch
                    {
                        TrainingMode.Hbnn => Dense(shape[0], dense.Width, WeightBinarization.Hadamard, false, true, true, nonNegative),
                        TrainingMode.Bnn => Dense(shape[0], dense.Width, WeightBinarization.Sign, false, true, false),
                        _ => Dense(shape[0], dense.Width, WeightBinarization.None, true, false, false),
                    });
                    shape = [dense.Width];
                    if (last) layers.Add(new BatchNormTrainLayer(dense.Width));
                    else Activate(dense.Width, 1);
                    break;
                }
            }
        }
        return new TrainingNetwork(architecture, mode, binAggression, scales, layers, trailingSigmoid: mode == TrainingMode.Hbnn);

        void Activate(int channels, int positions)
        {
            layers.Add(new BatchNormTrainLayer(channels, positions: positions));
            if (mode == TrainingMode.Bnn)
            {
                layers.Add(new SignTrainLayer(channels * positions));
                nonNegative = false;
            }
            else
            {
                layers.Add(new RampTrainLayer(channels * positions));
                nonNegative = true;
            }
        }

        DenseTrainLayer Dense(int inputs, int outputs, WeightBinarization weights, bool bias, bool binLayer, bool hadamardInput,
            bool unipolar = false, int? chunk = null) =>
            new(inputs, outputs, weights, bias, binLayer, hadamardInput, unipolar, chunk ?? binAggression, scales, rng);
    }
}
