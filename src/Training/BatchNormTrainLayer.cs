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

    public BatchNormTrainLayer(int features, double eps = DefaultEps)
    {
        Inputs = Outputs = features;
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
    public double Eps { get; }
    public float[] PopulationMean { get; }
    public float[] PopulationVar { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    public float[] Forward(float[] input, int rows, bool training)
    {
        var y = Buffers.Ensure(ref _output, rows * Outputs);
        if (!training)
        {
            EvaluateWithPopulation(input, y, rows);
            return y;
        }
        var (mean, variance) = Statistics(input, rows, Outputs);
        var xhat = Buffers.Ensure(ref _normalized, rows * Outputs);
        for (int j = 0; j < Outputs; j++) _inverseStd[j] = (float)(1 / Math.Sqrt(variance[j] + Eps));
        var gamma = _gamma.Value;
        var beta = _beta.Value;
        for (int r = 0; r < rows; r++)
        {
            int at = r * Outputs;
            for (int j = 0; j < Outputs; j++)
            {
                float n = (float)(input[at + j] - mean[j]) * _inverseStd[j];
                xhat[at + j] = n;
                y[at + j] = (gamma[j] * n) + beta[j];
            }
        }
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        var xhat = _normalized ?? throw new InvalidOperationException("Backward before a training Forward");
        var sumDy = new double[Outputs];
        var sumDyXhat = new double[Outputs];
        for (int r = 0; r < rows; r++)
        {
            int at = r * Outputs;
            for (int j = 0; j < Outputs; j++)
            {
                sumDy[j] += outputGradient[at + j];
                sumDyXhat[j] += (double)outputGradient[at + j] * xhat[at + j];
            }
        }
        var dGamma = _gamma.Gradient;
        var dBeta = _beta.Gradient;
        for (int j = 0; j < Outputs; j++)
        {
            dGamma[j] += (float)sumDyXhat[j];
            dBeta[j] += (float)sumDy[j];
        }
        if (!needInputGradient) return null;
        // dx = gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat)), per feature.
        var dx = Buffers.Ensure(ref _inputGradient, rows * Outputs);
        var gamma = _gamma.Value;
        var meanDy = new float[Outputs];
        var meanDyXhat = new float[Outputs];
        var factor = new float[Outputs];
        for (int j = 0; j < Outputs; j++)
        {
            meanDy[j] = (float)(sumDy[j] / rows);
            meanDyXhat[j] = (float)(sumDyXhat[j] / rows);
            factor[j] = gamma[j] * _inverseStd[j];
        }
        for (int r = 0; r < rows; r++)
        {
            int at = r * Outputs;
            for (int j = 0; j < Outputs; j++)
                dx[at + j] = factor[j] * (outputGradient[at + j] - meanDy[j] - (xhat[at + j] * meanDyXhat[j]));
        }
        return dx;
    }

    public Layer Export() => new BatchNorm(
        new Tensor([Outputs], (float[])PopulationMean.Clone()),
        new Tensor([Outputs], (float[])PopulationVar.Clone()),
        new Tensor([Outputs], (float[])_gamma.Value.Clone()),
        new Tensor([Outputs], (float[])_beta.Value.Clone()),
        Eps);

    /// <summary>Per-feature mean and (biased) variance of a row-major batch, two passes in double.</summary>
    public static (double[] Mean, double[] Variance) Statistics(float[] x, int rows, int features)
    {
        var mean = new double[features];
        var variance = new double[features];
        for (int r = 0; r < rows; r++)
        {
            int at = r * features;
            for (int j = 0; j < features; j++) mean[j] += x[at + j];
        }
        for (int j = 0; j < features; j++) mean[j] /= rows;
        for (int r = 0; r < rows; r++)
        {
            int at = r * features;
            for (int j = 0; j < features; j++)
            {
                double d = x[at + j] - mean[j];
                variance[j] += d * d;
            }
        }
        for (int j = 0; j < features; j++) variance[j] /= rows;
        return (mean, variance);
    }

    /// <summary>gamma * (x - mean) / sqrt(var + eps) + beta in double, in the reference evaluator's order.</summary>
    private void EvaluateWithPopulation(float[] input, float[] y, int rows)
    {
        var std = new double[Outputs];
        for (int j = 0; j < Outputs; j++) std[j] = Math.Sqrt((double)PopulationVar[j] + Eps);
        var gamma = _gamma.Value;
        var beta = _beta.Value;
        for (int r = 0; r < rows; r++)
        {
            int at = r * Outputs;
            for (int j = 0; j < Outputs; j++)
                y[at + j] = (float)((gamma[j] * ((double)input[at + j] - PopulationMean[j]) / std[j]) + beta[j]);
        }
    }
}
