using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Lowering;

/// <summary>BatchNorm as the per-feature affine map y = a x + c, for folding into the layer before it.</summary>
public static class AffineFolding
{
    /// <summary>The BatchNorm that is the only reader of <paramref name="node"/>, if there is one.</summary>
    public static Node? FollowingBatchNorm(GraphBuilder graph, Node node)
    {
        var users = graph.Users(node.Name).ToList();
        return users is [{ Op: Ops.BatchNorm } norm] ? norm : null;
    }

    /// <summary>(a_j, c_j) with a = gamma / sqrt(var + eps), c = beta - mean a; (1, 0) without a BatchNorm.</summary>
    public static (double A, double C) Affine(Node? norm, int j)
    {
        if (norm is null) return (1, 0);
        double a = norm.RealTensor("gamma").Data[j] / Math.Sqrt(norm.RealTensor("var").Data[j] + norm.Real("eps"));
        return (a, norm.RealTensor("beta").Data[j] - (norm.RealTensor("mean").Data[j] * a));
    }
}
