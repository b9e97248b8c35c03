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

    /// <summary>
    /// A BatchNorm applied after an integer value as one per-output fixed-point scale:
    /// (x * mul_j + add_j) with mul quantized to <paramref name="bits"/> signed bits (a shift-add
    /// constant product in hardware). Returns the scale node, named <paramref name="name"/>, and
    /// the largest error it adds against the real-valued BatchNorm of x's real value.
    /// </summary>
    public static (Node Node, double Error) ScaleAfter(string name, Node x, Node norm, int bits)
    {
        // per output, or per channel of an image (the tensors repeat along it)
        int outputs = norm.RealTensor("gamma").Data.Length;
        var a = new double[outputs];
        var c = new double[outputs];
        for (int j = 0; j < outputs; j++) (a[j], c[j]) = Affine(norm, j);
        return ScaleAfter(name, x, a, c, bits);
    }

    /// <summary>As <see cref="ScaleAfter(string, Node, Node, int)"/>, for any per-output affine map a_j x + c_j.</summary>
    public static (Node Node, double Error) ScaleAfter(string name, Node x, IReadOnlyList<double> a, IReadOnlyList<double> c, int bits)
    {
        int outputs = x.Type.Length;
        var (mul, step) = Quantizer.Symmetric(a.Select(v => v * x.Type.Scale).ToList(), bits);
        var add = c.Select(v => Quantizer.Round(v / step)).ToArray();
        double error = 0;
        long magnitude = Math.Max(Math.Abs(x.Type.Min), Math.Abs(x.Type.Max));
        for (int j = 0; j < outputs; j++)
        {
            double scaleError = Math.Abs((a[j] * x.Type.Scale) - (mul[j] * step)) * magnitude;
            error = Math.Max(error, scaleError + Math.Abs(c[j] - (add[j] * step)));
        }
        var node = new Node(name, Ops.Scale, [x.Name], GraphType.Int(x.Type.Length, 0, 0, step),
            ("mul", new IntTensorAttr([outputs], mul)), ("add", new IntTensorAttr([outputs], add)), ("shift", new IntAttr(0)));
        return (node, error);
    }

    /// <summary>How many standard deviations of a BatchNorm's output the statistical range covers.</summary>
    public const double Sigmas = 8;

    /// <summary>
    /// A realistic bound on |BatchNorm output| from the model's own population statistics: the
    /// output has mean beta and spread |gamma|, so |beta| + 8 |gamma| covers it (by far) for every
    /// neuron. Requantization sizes activations by it (and saturates beyond it) instead of by the
    /// proven worst case, which for binary layers is orders of magnitude larger.
    /// </summary>
    public static double TypicalMagnitude(Node norm)
    {
        var gamma = norm.RealTensor("gamma").Data;
        var beta = norm.RealTensor("beta").Data;
        return Enumerable.Range(0, gamma.Length).Max(j => Math.Abs(beta[j]) + (Sigmas * Math.Abs(gamma[j])));
    }

    /// <summary>Attribute a lowered node carries when a BatchNorm was folded into it: the real magnitude its values typically stay within.</summary>
    public const string TypicalAttr = "typical";
}
