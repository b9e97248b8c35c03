namespace HwFlow.Runtime.Semantics;

/// <summary>A BatchNorm's per-feature statistics in double precision (float32 model values convert exactly).</summary>
public sealed record BatchNormParameters(double[] Mean, double[] Var, double[] Gamma, double[] Beta, double Eps)
{
    public static BatchNormParameters Of(Model.BatchNorm norm) =>
        new(Doubles(norm.Mean), Doubles(norm.Var), Doubles(norm.Gamma), Doubles(norm.Beta), norm.Eps);

    /// <summary>gamma * (x - mean) / sqrt(var + eps) + beta for feature j, in the reference's operation order (the compiler folds it into thresholds and must reproduce it exactly).</summary>
    public double Value(int j, double x) => (Gamma[j] * (x - Mean[j]) / Math.Sqrt(Var[j] + Eps)) + Beta[j];

    private static double[] Doubles(Tensors.Tensor tensor) => Array.ConvertAll(tensor.Data, v => (double)v);
}
