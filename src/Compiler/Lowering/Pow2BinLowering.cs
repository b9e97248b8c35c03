using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// BinLayer lowering for power-of-two chunk scales (--scales pow2, or a model with scales: pow2):
/// the hardware needs shifts only. Each activation chunk mean m_c = F_c rho_c rounds to 2^e_c,
/// and e_c is a step function of the integer F_c, so a pow2-exponent node finds it by comparing
/// F_c with precomputed thresholds (plus a popcount table where the seed binarizes 0/1 values
/// twice: P2(2^e p/n) = 2^e P2(p/n)). Weight chunk means round to 2^w_cj at compile time. Then
/// y_j = sum_c P_cj 2^(e_c + w_cj) = 2^B sum_c P_cj &lt;&lt; (code_c - 1 + shift_cj). A BatchNorm
/// that follows becomes one per-output fixed-point scale (a shift-add constant multiply).
/// </summary>
public static class Pow2BinLowering
{
    public static bool Lower(Passes.PassContext context, Node bin)
    {
        var graph = context.Graph;
        int chunk = (int)bin.Int("chunk");
        bool unipolar = bin.Bool("unipolar");
        var activation = Pow2Activation.Build(graph, bin, chunk, unipolar);
        if (activation is null) return false;

        var weights = bin.RealTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var chunks = new Chunks(inputs, chunk);
        var signs = BinWeights.Signs(weights);
        var means = BinWeights.ChunkMeans(weights, chunks);

        // Weight chunk means as powers of two; int.MinValue marks an all-zero chunk.
        var exponents = new int[chunks.Count * outputs];
        for (int c = 0; c < chunks.Count; c++)
        {
            for (int j = 0; j < outputs; j++)
            {
                double mean = means[(c * outputs) + j];
                exponents[(c * outputs) + j] = mean > 0 ? Math.ILogB(Hadamard.RoundToPowerOfTwo(mean)) + activation.LowestExponent(c) : int.MinValue;
            }
        }
        var live = exponents.Where(e => e != int.MinValue).ToList();
        int baseExponent = live.Count == 0 ? 0 : live.Min();
        var shifts = exponents.Select(e => e == int.MinValue ? -1L : e - baseExponent).ToArray();

        var norm = AffineFolding.FollowingBatchNorm(graph, bin);
        string dotName = norm is null ? bin.Name : graph.Fresh(bin.Name + ".dot");
        var operands = activation.Codes is null ? new[] { activation.Bits } : [activation.Bits, activation.Codes];
        var dot = new Node(dotName, Ops.BinDot, operands, GraphType.Int(outputs, 0, 0, Math.ScaleB(1.0, baseExponent)),
            ("weights", new IntTensorAttr([inputs, outputs], signs)), ("chunk", new IntAttr(chunk)),
            ("shift", new IntTensorAttr([chunks.Count, outputs], shifts)));
        dot = dot with { Type = RangeRules.Infer(dot, n => graph[n].Type) };
        if (norm is null) graph.Replace(bin.Name, dot);
        else graph.InsertBefore(bin.Name, dot);

        double affineError = 0;
        string result = dotName;
        if (norm is not null)
        {
            var (scaleNode, error) = AffineFolding.ScaleAfter(bin.Name, dot, norm, context.Options.CoefBits);
            scaleNode = scaleNode.With(AffineFolding.TypicalAttr, new RealAttr(AffineFolding.TypicalMagnitude(norm)));
            graph.Replace(bin.Name, scaleNode with { Type = RangeRules.Infer(scaleNode, n => graph[n].Type) });
            graph.ReplaceUses(norm.Name, bin.Name);
            graph.Remove(norm.Name);
            affineError = error;
            result = bin.Name;
        }

        // Exact against a pow2 reference up to the affine rounding; against exact scales, each
        // rounded mean is within a factor sqrt(2) of the true one, so a product within a factor 2.
        double bound = affineError;
        if (ScalesAttr.Of(bin) != ScaleMode.Pow2)
        {
            double worst = 0;
            for (int j = 0; j < outputs; j++)
            {
                var (a, _) = AffineFolding.Affine(norm, j);
                double sum = 0;
                for (int c = 0; c < chunks.Count; c++) sum += activation.MaxMean(c) * means[(c * outputs) + j] * chunks.LengthOf(c);
                worst = Math.Max(worst, Math.Abs(a) * sum);
            }
            bound += worst;
        }
        context.Corresponds(norm?.Name ?? bin.Name, result, bound);
        return true;
    }
}
