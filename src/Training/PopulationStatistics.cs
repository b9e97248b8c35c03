namespace HwFlow.Training;

/// <summary>
/// Sets every BatchNorm's mean and variance to the statistics of its input over the whole
/// training set, in evaluation mode, layer by layer: BatchNorm b sees the input that the saved
/// model will give it, with the BatchNorms before it already fixed. Each stage keeps only the
/// activations at the next BatchNorm for all images, so the whole pass costs one forward pass.
/// </summary>
public static class PopulationStatistics
{
    public static void Compute(TrainingNetwork network, byte[] images, int count, CancellationToken cancel = default)
    {
        var norms = network.Layers.Select((layer, index) => (layer, index)).Where(p => p.layer is BatchNormTrainLayer).ToList();
        float[]? current = null;
        int start = 0, width = network.Inputs;
        const int chunk = TrainingNetwork.EvaluationChunk;
        var inputChunk = new float[chunk * width];
        foreach (var (layer, index) in norms)
        {
            int features = layer.Inputs;
            var next = new float[(long)count * features];
            for (int first = 0; first < count; first += chunk)
            {
                cancel.ThrowIfCancellationRequested();
                int rows = Math.Min(chunk, count - first);
                var x = rows * width == inputChunk.Length ? inputChunk : new float[rows * width];
                if (current is null) network.ToReal(images.AsSpan(first * width, rows * width), x);
                else Array.Copy(current, (long)first * width, x, 0, rows * width);
                var y = network.Forward(x, rows, training: false, start, index);
                Array.Copy(y, 0, next, (long)first * features, rows * features);
            }
            var norm = (BatchNormTrainLayer)layer;
            var (mean, variance) = BatchNormTrainLayer.Statistics(next, count, features);
            for (int j = 0; j < features; j++)
            {
                norm.PopulationMean[j] = (float)mean[j];
                norm.PopulationVar[j] = (float)variance[j];
            }
            current = next;
            start = index;
            width = features;
            inputChunk = new float[chunk * width];
        }
    }
}
