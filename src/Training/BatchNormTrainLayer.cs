using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Training;

/// <summary>
/// BatchNorm: batch statistics while training; the population statistics (set by
/// <see cref="PopulationStatistics"/> from a pass over the whole training set) at evaluation
/// and in the saved model. Statistics are summed in double, row by row, so they do not depend
/// on threading.
/// </summary>
public sealed class BatchNormTrainLayer : ITrainLayer
{
    public const double DefaultEps = 1e-4;

    private readonly Parameter _gamma;
    private readonly Parameter _beta;
    private float[]? _output;
    private float[]? _normalized;
    private float[]? _inputGradient;
    private readonly float[] _inverseStd;

    /// <param name="features">Features, or channels of an image.</param>
    /// <param name="positions">Pixels of the image (1 for a flat input): each channel is normalized over the batch and all its positions.</param>
    public BatchNormTrainLayer(int features, double eps = DefaultEps, int positions = 1)
    {
        Channels = features;
        Positions = positions;
        Inputs = Outputs = features * positions;
        Eps = eps;
        _gamma = new Parameter("gamma", Enumerable.Repeat(1f, features).ToArray(), clipToUnit: false);
        _beta = new Parameter("beta", new float[features], clipToUnit: false);
        _inverseStd = new float[features];
        PopulationMean = new float[features];
        PopulationVar = Enumerable.Repeat(1f, features).ToArray();
        Parameters = [_gamma, _beta];
    }

    public int Inputs { get; }
    public int Outputs { get; }

    /// <summary>The normalized features (an image's channels).</summary>
    public int Channels { get; }

    /// <summary>Rows per sample, as the statistics see them: an image's pixels, or 1.</summary>
    public int Positions { get; }

    public double Eps { get; }

    /// <summary>Rows per parallel block of the element-wise loops: about <see cref="Blocks.Smallest"/> values.</summary>
    private int RowsPerBlock => Blocks.RowsOf(Channels);
    public float[] PopulationMean { get; }
    public float[] PopulationVar { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    public float[] Forward(float[] input, int samples, bool training)
    {
        int rows = samples * Positions;
        var y = Buffers.Ensure(ref _output, rows * Channels);
        if (!training)
        {
            EvaluateWithPopulation(input, y, rows);
            return y;
        }
        var (mean, variance) = Statistics(input, rows, Channels);
        var xhat = Buffers.Ensure(ref _normalized, rows * Channels);
        for (int j = 0; j < Channels; j++) _inverseStd[j] = (float)(1 / Math.Sqrt(variance[j] + Eps));
        var gamma = _gamma.Value;
        var beta = _beta.Value;
        Blocks.For(rows, (first, end) =>
        {
            for (int r = first; r < end; r++)
            {
                int at = r * Channels;
                BatchNormRows.Normalize(input.AsSpan(at, Channels), mean, _inverseStd, gamma, beta, xhat.AsSpan(at, Channels), y.AsSpan(at, Channels));
            }
        }, RowsPerBlock);
        return y;
    }

    public float[]? Backward(float[] outputGradient, int samples, bool needInputGradient)
    {
        int rows = samples * Positions;
        var xhat = _normalized ?? throw new InvalidOperationException("Backward before a training Forward");
        var sumDy = new double[Channels];
        var sumDyXhat = new double[Channels];
        int channels = Channels;
        SumInBlocks(rows, channels, RowsPerBlock, (first, end, partial) =>
        {
            var dy = partial.AsSpan(0, channels);
            var dyXhat = partial.AsSpan(channels, channels);
            for (int r = first; r < end; r++)
            {
                int at = r * channels;
                BatchNormRows.AddGradientSums(outputGradient.AsSpan(at, channels), xhat.AsSpan(at, channels), dy, dyXhat);
            }
        }, sumDy, sumDyXhat);
        var dGamma = _gamma.Gradient;
        var dBeta = _beta.Gradient;
        for (int j = 0; j < Channels; j++)
        {
            dGamma[j] += (float)sumDyXhat[j];
            dBeta[j] += (float)sumDy[j];
        }
        if (!needInputGradient) return null;
        // dx = gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat)), per feature.
        var dx = Buffers.Ensure(ref _inputGradient, rows * Channels);
        var gamma = _gamma.Value;
        var meanDy = new float[Channels];
        var meanDyXhat = new float[Channels];
        var factor = new float[Channels];
        for (int j = 0; j < Channels; j++)
        {
            meanDy[j] = (float)(sumDy[j] / rows);
            meanDyXhat[j] = (float)(sumDyXhat[j] / rows);
            factor[j] = gamma[j] * _inverseStd[j];
        }
        Blocks.For(rows, (first, end) =>
        {
            for (int r = first; r < end; r++)
            {
                int at = r * Channels;
                BatchNormRows.InputGradient(outputGradient.AsSpan(at, Channels), xhat.AsSpan(at, Channels), factor, meanDy, meanDyXhat, dx.AsSpan(at, Channels));
            }
        }, RowsPerBlock);
        return dx;
    }

    public Layer Export() => new BatchNorm(
        new Tensor([Channels], (float[])PopulationMean.Clone()),
        new Tensor([Channels], (float[])PopulationVar.Clone()),
        new Tensor([Channels], (float[])_gamma.Value.Clone()),
        new Tensor([Channels], (float[])_beta.Value.Clone()),
        Eps);

    /// <summary>
    /// Per-feature mean and (biased) variance of a row-major batch, two passes in double. Each
    /// pass sums blocks of rows on all cores and adds the blocks' sums in block order; the blocks
    /// depend on the row count alone, so the bytes do not depend on the machine.
    /// </summary>
    public static (double[] Mean, double[] Variance) Statistics(float[] x, int rows, int features)
    {
        var mean = new double[features];
        var variance = new double[features];
        int rowsPerBlock = Blocks.RowsOf(features);
        SumInBlocks(rows, features, rowsPerBlock, (first, end, partial) =>
        {
            for (int r = first; r < end; r++) VectorLoops.Accumulate(x.AsSpan(r * features, features), partial);
        }, mean);
        for (int j = 0; j < features; j++) mean[j] /= rows;
        SumInBlocks(rows, features, rowsPerBlock, (first, end, partial) =>
        {
            for (int r = first; r < end; r++) BatchNormRows.AddSquaredDeviation(x.AsSpan(r * features, features), mean, partial);
        }, variance);
        for (int j = 0; j < features; j++) variance[j] /= rows;
        return (mean, variance);
    }

    /// <summary>
    /// sum(first, end, partial) adds rows [first, end) into partial (one vector of
    /// <paramref name="width"/> per total, side by side); the blocks' partials are then added to
    /// the totals in block order.
    /// </summary>
    private static void SumInBlocks(int rows, int width, int rowsPerBlock, Action<int, int, double[]> sum, params double[][] totals)
    {
        int blocks = Blocks.Count(rows, rowsPerBlock);
        var partials = new double[blocks][];
        Parallel.For(0, blocks, b =>
        {
            var partial = new double[width * totals.Length];
            sum(Blocks.Start(rows, blocks, b), Blocks.Start(rows, blocks, b + 1), partial);
            partials[b] = partial;
        });
        foreach (var partial in partials)
        {
            for (int t = 0; t < totals.Length; t++)
            {
                for (int j = 0; j < width; j++) totals[t][j] += partial[(t * width) + j];
            }
        }
    }

    /// <summary>gamma * (x - mean) / sqrt(var + eps) + beta in double, in the reference evaluator's order.</summary>
    private void EvaluateWithPopulation(float[] input, float[] y, int rows)
    {
        var std = new double[Channels];
        for (int j = 0; j < Channels; j++) std[j] = Math.Sqrt((double)PopulationVar[j] + Eps);
        var gamma = Array.ConvertAll(_gamma.Value, v => (double)v);
        var beta = Array.ConvertAll(_beta.Value, v => (double)v);
        var mean = Array.ConvertAll(PopulationMean, v => (double)v);
        Blocks.For(rows, (first, end) =>
        {
            for (int r = first; r < end; r++)
            {
                int at = r * Channels;
                BatchNormRows.Evaluate(input.AsSpan(at, Channels), gamma, mean, std, beta, y.AsSpan(at, Channels));
            }
        }, RowsPerBlock);
    }
}
