namespace HwFlow.Training;

/// <summary>
/// Sets every BatchNorm's mean and variance to the statistics of its input over the whole
/// training set, in evaluation mode, layer by layer: BatchNorm b sees the input that the saved
/// model will give it, with the BatchNorms before it already fixed. Where the activations at a
/// BatchNorm fit <see cref="CacheBytes"/> for all images, they are kept and the next BatchNorm
/// starts from them (the whole pass then costs one forward pass, as for MLPs); a convolution's
/// activations do not fit, so the next BatchNorm runs the images again from the last kept point,
/// and its statistics are combined chunk by chunk (Chan et al.), in a fixed order.
/// </summary>
public static class PopulationStatistics
{
    /// <summary>The most memory kept activations may take.</summary>
    public const long CacheBytes = 1L << 30;

    public static void Compute(TrainingNetwork network, byte[] images, int count, CancellationToken cancel = default)
    {
        var norms = network.Layers.Select((layer, index) => (layer, index)).Where(p => p.layer is BatchNormTrainLayer).ToList();
        float[]? current = null;
        int start = 0, width = network.Inputs;
        int chunk = network.EvaluationRows;
        var inputChunk = new float[chunk * width];
        foreach (var (layer, index) in norms)
        {
            var norm = (BatchNormTrainLayer)layer;
            int features = layer.Inputs;
            bool keep = (long)count * features * sizeof(float) <= CacheBytes;
            var next = keep ? new float[(long)count * features] : null;
            var combined = new ChannelStatistics(norm.Channels);
            for (int first = 0; first < count; first += chunk)
            {
                cancel.ThrowIfCancellationRequested();
                int rows = Math.Min(chunk, count - first);
                var x = rows * width == inputChunk.Length ? inputChunk : new float[rows * width];
                if (current is null) network.ToReal(images.AsSpan(first * width, rows * width), x);
                else Array.Copy(current, (long)first * width, x, 0, rows * width);
                var y = network.Forward(x, rows, training: false, start, index);
                if (next is not null) Array.Copy(y, 0, next, (long)first * features, rows * features);
                else combined.Add(y, rows * norm.Positions);
            }
            var (mean, variance) = next is not null
                ? BatchNormTrainLayer.Statistics(next, count * norm.Positions, norm.Channels)
                : combined.MeanAndVariance();
            for (int j = 0; j < norm.Channels; j++)
            {
                norm.PopulationMean[j] = (float)mean[j];
                norm.PopulationVar[j] = (float)variance[j];
            }
            if (next is null) continue;
            current = next;
            start = index;
            width = features;
            inputChunk = new float[chunk * width];
        }
    }

    /// <summary>Per-channel mean and sum of squared deviations, merged chunk by chunk (Chan, Golub and LeVeque).</summary>
    private sealed class ChannelStatistics(int channels)
    {
        private readonly double[] _mean = new double[channels];
        private readonly double[] _squares = new double[channels];
        private long _count;

        public void Add(float[] x, int rows)
        {
            var (mean, variance) = BatchNormTrainLayer.Statistics(x, rows, channels);
            long total = _count + rows;
            for (int j = 0; j < channels; j++)
            {
                double delta = mean[j] - _mean[j];
                _squares[j] += (variance[j] * rows) + (delta * delta * _count * rows / total);
                _mean[j] += delta * rows / total;
            }
            _count = total;
        }

        public (double[] Mean, double[] Variance) MeanAndVariance() =>
            (_mean, _squares.Select(s => s / _count).ToArray());
    }
}
