namespace HwFlow.Runtime.Graph;

/// <summary>Layer arithmetic the compiler must reproduce exactly (to fold it into integer thresholds).</summary>
public static class LayerMath
{
    /// <summary>gamma * (x - mean) / sqrt(var + eps) + beta, in the operation order of FloatEvaluator.BatchNormValue.</summary>
    public static double BatchNormValue(Node node, int j, double x) =>
        (node.RealTensor("gamma").Data[j] * (x - node.RealTensor("mean").Data[j]) / Math.Sqrt(node.RealTensor("var").Data[j] + node.Real("eps")))
        + node.RealTensor("beta").Data[j];
}
