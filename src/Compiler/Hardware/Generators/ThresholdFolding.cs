using System.Numerics;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A binarized layer whose only output op is a threshold (a BNN layer: bin-dot, then BatchNorm
/// and Sign folded into `dir * y &gt;= t`) is decided on the raw XNOR popcount: with y = coef * P +
/// bias and P = 2 pop - n (+-1 bits) or pop - neg (0/1 bits, neg = the neuron's -1 weights),
/// `dir * y &gt;= t` is `pop &gt;= T` or `pop &lt;= T`, and `pop &lt;= T` is `pop' &gt;= n - T` for the
/// popcount pop' of the inverted weights. So every neuron becomes `pop &gt;= T_j` over its own
/// (possibly inverted) weight bits, with no count decoding, scale or signed compare in hardware.
/// A neuron whose outcome never changes gets T = 0 (always) or T = n + 1 (never).
/// </summary>
public sealed record ThresholdFolding(IReadOnlyList<bool> Inverted, IReadOnlyList<long> Thresholds, int Inputs)
{
    /// <summary>The folding of <paramref name="stage"/>, or null when its shape is not a plain threshold of one popcount.</summary>
    public static ThresholdFolding? Of(MvuStage stage)
    {
        // a padded stage is decided as its original: pad lanes add 0 to the popcount, pad neurons never fire
        if (stage.Padding is { } padding)
            return Of(padding.Original) is { } real ? real with
            {
                Inverted = [.. real.Inverted, .. new bool[stage.Outputs - real.Inverted.Count]],
                Thresholds = [.. real.Thresholds, .. Enumerable.Repeat((long)real.Inputs + 1, stage.Outputs - real.Thresholds.Count)],
            } : null;
        if (stage.IsDense || stage.Factor is not null || stage.Prep is null || stage.Mvu.Find("shift") is not null) return null;
        if (stage.PostOps.Count != 1 || stage.PostOps[0].Node is not { Op: Ops.Threshold } threshold) return null;
        var dot = stage.Mvu;
        var weights = dot.IntTensor("weights");
        if (weights.Data.Any(w => w is not (1 or -1))) return null;
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var coef = dot.Find("coef") as IntTensorAttr;
        if (coef is not null && coef.Shape[0] != 1) return null; // one scale per neuron only, not per chunk
        bool bipolar = stage.Prep.Encoding == BitEncoding.PlusMinus;

        var inverted = new bool[outputs];
        var thresholds = new long[outputs];
        for (int j = 0; j < outputs; j++)
        {
            long c = coef is null ? 1 : coef[0, j];
            long bias = dot.IntElement("bias", j);
            long dir = threshold.Find("dir") is null ? 1 : threshold.IntElement("dir", j);
            long t = threshold.IntElement("t", j);
            long negatives = 0;
            for (int i = 0; i < inputs; i++) negatives += weights[i, j] < 0 ? 1 : 0;
            // dir * (c * (alpha * pop + beta) + bias) >= t  <=>  g * alpha * pop >= t - dir * bias - g * beta
            BigInteger g = (BigInteger)dir * c;
            BigInteger alpha = bipolar ? 2 : 1, beta = bipolar ? -inputs : -negatives;
            BigInteger right = t - ((BigInteger)dir * bias) - (g * beta);
            BigInteger d = g * alpha;
            if (d.IsZero)
            {
                thresholds[j] = right <= 0 ? 0 : inputs + 1;
                continue;
            }
            if (d > 0)
            {
                thresholds[j] = Clamp(CeilDiv(right, d), inputs);
                continue;
            }
            // pop <= floor(right / d): with the weights inverted, pop' = n - pop >= n - floor(right / d)
            inverted[j] = true;
            thresholds[j] = Clamp(inputs - FloorDiv(right, d), inputs);
        }
        return new ThresholdFolding(inverted, thresholds, inputs);
    }

    /// <summary>The neuron's output: whether its popcount (of its weights, inverted or not) reaches the threshold.</summary>
    public bool Fires(int neuron, long popcountOfOwnWeights) => popcountOfOwnWeights >= Thresholds[neuron];

    private static long Clamp(BigInteger value, int inputs) => (long)BigInteger.Min(BigInteger.Max(value, 0), inputs + 1);

    private static BigInteger FloorDiv(BigInteger a, BigInteger b)
    {
        var q = BigInteger.DivRem(a, b, out var r);
        return !r.IsZero && (r.Sign != b.Sign) ? q - 1 : q;
    }

    private static BigInteger CeilDiv(BigInteger a, BigInteger b) => -FloorDiv(-a, b);
}
