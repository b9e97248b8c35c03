using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A BinLayer y = Dot[hb(x, k), hb(W, k)] (with a following BatchNorm folded in) becomes
/// integer ops. hb(x) per chunk c is s(x_i) * m_c, the activation chunk mean m_c being a runtime
/// factor F_c times a constant rho_c; hb(W) per chunk is sgn(W_ij) * M_cj. So
/// y_j = c_j + sum_c F_c * P_cj * K_cj with P_cj = sum_i s_i sgn(W_ij) (AND- or XNOR-popcount)
/// and K_cj = a_j rho_c M_cj, quantized to --coef-bits fixed point. The input decides F and rho:
/// an integer x (scale s): F = sum |x|, rho = s / n_c; after a BinarizeLayer with the same k the
/// seed binarizes twice: bipolar hb is idempotent, unipolar gives F = popcount * sum |x|,
/// rho = s / n_c^2; +-1 bits: F = 1, rho = 1; 0/1 bits: F = popcount, rho = 1 / n_c.
/// When every K is one number and there is no bias (BNN), no coefficient is needed: exact.
/// Declared bound: max_j sum_c maxF n_c |K_cj - Kq_cj step| + |c_j - bq_j step|.
/// </summary>
public sealed class LowerBin : Pass
{
    public override string Name => "lower-bin";
    public override string Description => "BinLayer (+ BatchNorm) becomes popcount bin-dot with chunk factors and fixed-point coefficients";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];
    public override IReadOnlyList<string> Establishes => [Properties.BinLowered];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var bin in graph.Nodes.Where(n => n.Op == Ops.Bin).ToList())
        {
            if (LowerOne(context, bin)) changed = true;
        }
        return changed;
    }

    private static bool LowerOne(PassContext context, Node bin)
    {
        var graph = context.Graph;
        int chunk = (int)bin.Int("chunk");
        bool unipolar = bin.Bool("unipolar");
        if (ScalesAttr.Of(bin) == Runtime.Model.ScaleMode.Pow2 || context.Options.Scales == Runtime.Model.ScaleMode.Pow2)
        {
            if (context.Graph[bin.Operands[0]].Op == Ops.Window)
                throw new UserError($"{ModelImporter.Describe(bin)} cannot be lowered with pow2 chunk scales: pow2 scales are implemented for BinLayer only, not BinConv2D; use --scales exact");
            return Pow2BinLowering.Lower(context, bin);
        }

        var input = ChunkInputs.Build(context, bin, chunk, unipolar);
        if (input is null) return false;

        var weights = bin.RealTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var chunks = new Chunks(inputs, chunk);
        var norm = AffineFolding.FollowingBatchNorm(graph, bin);
        var signs = BinWeights.Signs(weights);
        var means = BinWeights.ChunkMeans(weights, chunks);

        var coefficients = new double[chunks.Count * outputs];
        var bias = new double[outputs];
        for (int j = 0; j < outputs; j++)
        {
            var (a, c) = AffineFolding.Affine(norm, j);
            bias[j] = c;
            for (int ch = 0; ch < chunks.Count; ch++) coefficients[(ch * outputs) + j] = a * input.Rho(ch) * means[(ch * outputs) + j];
        }

        // Without runtime factors, chunks with equal coefficients per output add up before scaling: merge them.
        int coefChunks = chunks.Count;
        int dotChunk = chunk;
        if (input.Factor is null && Enumerable.Range(0, outputs).All(j => Enumerable.Range(0, chunks.Count).All(ch => coefficients[(ch * outputs) + j] == coefficients[j])))
        {
            coefChunks = 1;
            dotChunk = inputs;
            coefficients = coefficients[..outputs];
        }

        var attrs = new List<(string, Attr)> { ("weights", new IntTensorAttr([inputs, outputs], signs)), ("chunk", new IntAttr(dotChunk)) };
        double scale;
        long[] biasQ;
        long[]? coefQ = null;
        double step;
        if (bias.All(b => b == 0) && coefficients.All(k => k == coefficients[0]) && coefficients[0] > 0)
        {
            // One positive coefficient and no bias: it is just the output's scale.
            scale = coefficients[0];
            step = scale;
            biasQ = new long[outputs];
        }
        else
        {
            (coefQ, step) = Quantizer.Symmetric(coefficients, context.Options.CoefBits);
            scale = step;
            biasQ = bias.Select(b => Quantizer.Round(b / step)).ToArray();
            attrs.Add(("coef", new IntTensorAttr([coefChunks, outputs], coefQ)));
            if (biasQ.Any(b => b != 0)) attrs.Add(("bias", new IntTensorAttr([outputs], biasQ)));
        }

        var operands = input.Factor is null ? new[] { input.Bits } : [input.Bits, input.Factor];
        if (norm is not null) attrs.Add((AffineFolding.TypicalAttr, new RealAttr(AffineFolding.TypicalMagnitude(norm))));
        var dot = new Node(bin.Name, Ops.BinDot, operands, GraphType.Int(bin.Type.Length, 0, 0, scale), [.. attrs]);
        dot = dot with { Type = RangeRules.Infer(dot, n => graph[n].Type) };
        graph.Replace(bin.Name, dot);
        string replaced = bin.Name;
        if (norm is not null)
        {
            graph.ReplaceUses(norm.Name, bin.Name);
            graph.Remove(norm.Name);
            replaced = norm.Name;
        }

        double maxFactor = input.Factor is null ? 1 : graph[input.Factor].Type.Max;
        double bound = 0;
        for (int j = 0; j < outputs; j++)
        {
            double error = Math.Abs(bias[j] - (biasQ[j] * step));
            for (int ch = 0; ch < coefChunks; ch++)
            {
                double exact = coefficients[(ch * outputs) + j];
                double actual = coefQ is null ? scale : coefQ[(ch * outputs) + j] * step;
                int length = coefChunks == 1 ? inputs : chunks.LengthOf(ch);
                error += maxFactor * length * Math.Abs(exact - actual);
            }
            bound = Math.Max(bound, error);
        }
        context.Corresponds(replaced, bin.Name, bound);
        return true;
    }
}
