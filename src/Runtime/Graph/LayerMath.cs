using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Graph;

/// <summary>Layer parameters read from graph nodes, for the float reference and for the compiler, which must reproduce its arithmetic exactly (to fold it into integer thresholds).</summary>
public static class LayerMath
{
    /// <summary>The statistics of a batchnorm or affine-sign node.</summary>
    public static BatchNormParameters BatchNorm(Node node) =>
        new(node.RealTensor("mean").Data, node.RealTensor("var").Data, node.RealTensor("gamma").Data, node.RealTensor("beta").Data, node.Real("eps"));
}
