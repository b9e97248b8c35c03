using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>
/// Cuts the integer graph into hardware stages. Each matrix-vector node (dense, bin-dot) starts a
/// stage; the elementwise nodes after it (shift, relu, clamp, threshold, scale) run at its output;
/// the bits / chunk-sum / chunk-factor nodes in front of the next bin-dot run in that stage's
/// input buffer. What the generators cannot build is refused here, naming the node.
/// </summary>
public static class StagePlanner
{
    internal static readonly HashSet<string> PostOpKinds = [Ops.Shift, Ops.Relu, Ops.Clamp, Ops.Threshold, Ops.Thresholds, Ops.Scale, Ops.PwlSigmoid];

    public static StagePlan Plan(Graph graph)
    {
        var mvus = graph.Nodes.Where(n => n.Op is Ops.Dense or Ops.BinDot or Ops.PlaneDot).ToList();
        if (mvus.Count == 0) throw new UserError($"model {graph.Name} has no LinearLayer, BinLayer or QuantLinear: there is no hardware to generate");
        var first = mvus[0];
        var front = TransformStage.Find(graph, mvu => BoundaryOf(graph, mvu));
        // a dense first layer may read the bytes through a convolution's window; a thresholded (binarized or n-bit) input only directly
        var firstOperand = first.Op == Ops.Dense ? ConvolutionPlanner.Unwindowed(graph, graph.Operand(first)) : graph.Operand(first);
        if (front is null && (first.Op == Ops.Dense ? firstOperand.Op != Ops.Input : firstOperand.Op == Ops.Input || graph.Operand(firstOperand).Op != Ops.Input))
            throw Unsupported(first, "the first layer must be a LinearLayer reading the input bytes, or a binary or multi-bit layer reading them thresholded");

        var stages = new List<MvuStage>();
        var window = ConvolutionPlanner.InputWindow(graph, first);
        for (int i = 0; i < mvus.Count; i++)
        {
            var mvu = mvus[i];
            if (i > 0 && mvu.Op == Ops.Dense) throw Unsupported(mvu, "a LinearLayer is supported only as the first layer");
            var next = i + 1 < mvus.Count ? mvus[i + 1] : null;
            InputPrep? prep = null;
            Node? factor = null;
            if (mvu.Op == Ops.PlaneDot) prep = PlanePrep(graph, mvu, i == 0);
            else if (i > 0 || front is not null) (prep, factor) = Prep(graph, mvu);
            else if (mvu.Op == Ops.BinDot) prep = BinarizedInputPrep(graph, mvu);
            var boundary = next is null ? FinalValue(graph) : BoundaryOf(graph, next);
            var (last, pool, nextWindow) = ConvolutionPlanner.Split(graph, mvu, boundary, next);
            var postOps = pool is null && nextWindow is null ? PostOpChain(graph, mvu, boundary) : ConvolutionPlanner.PostOps(graph, mvu, boundary);
            var stage = new MvuStage(mvu.Name, mvu, factor, prep, postOps, last.Type) { Window = window, Pool = pool };
            ConvolutionPlanner.Check(stage);
            stages.Add(stage);
            window = nextWindow;
        }

        var output = graph.Output;
        bool classOutput = graph[output.Operands[0]].Op == Ops.ArgMax;
        return new StagePlan(graph.Name, graph.Input.Type.Length, stages, classOutput, stages[^1].Outputs) { Front = front };
    }

    /// <summary>The shapes the folding optimizer works on, one per stage.</summary>
    public static IReadOnlyList<LayerShape> Shapes(StagePlan plan)
    {
        var shapes = new List<LayerShape>();
        if (plan.Front is { } front) shapes.Add(TransformShape(front, plan.Stages[0]));
        for (int i = 0; i < plan.Stages.Count; i++)
        {
            var s = plan.Stages[i];
            var next = i + 1 < plan.Stages.Count ? plan.Stages[i + 1] : null;
            // a window between the stages regroups the outputs into whole pixels: no chunk rule on PE
            int nextChunk = next is { Window: null, Prep: { Factor: not FactorKind.None } p } ? p.Chunk : 0;
            var weights = s.Mvu.IntTensor("weights");
            shapes.Add(new LayerShape(
                s.Name,
                s.IsDense ? LayerKind.Dense : LayerKind.Binary,
                s.Inputs,
                s.Outputs,
                s.Chunk,
                s.IsDense ? 8 : s.Prep!.Planes,
                s.IsDense ? BitWidth.ToHold(weights.Data.Min(), weights.Data.Max()) : s.IsPlane && !Generators.PlaneMvu.IsBipolar(s) ? Generators.PlaneMvu.WeightPlanes(s).Planes : 1,
                s.Prep?.FactorWidth ?? 0,
                s.Mvu.Find("coef") is IntTensorAttr coef ? BitWidth.ToHold(coef.Data.Min(), coef.Data.Max()) : 0,
                s.Mvu.Find("shift") is IntTensorAttr ? ShiftTerms.AmountWidth(s) : 0,
                s.Mvu.Type.Width,
                s.OutputWidth,
                nextChunk,
                s.Pixels,
                s.Window?.BeatsPerPixel ?? 0,
                s.Window?.BufferBits ?? 0,
                s.Pool is { } pool ? pool.Geometry.OutWidth * pool.Geometry.Channels : 0,
                s.Pool?.ElementType.Width ?? 0,
                nextChunk > 0 && next!.Prep!.Factor == FactorKind.Pow2Code ? Pow2CodeBits(s, next) : 0)
                { BeatElements = i == 0 && s.IsDense && !plan.AdaptsInput ? plan.ElementsPerBeat : 1 });
        }
        return shapes;
    }

    /// <summary>
    /// Thresholds x chunk-sum bits of the pow2 codes the fill side of <paramref name="consumer"/>
    /// computes from <paramref name="producer"/>'s values (the sum width as Generators.BinaryInputBuffer
    /// sizes it): thresholds past that width are never built; the last chunk's row counts again
    /// when that chunk is shorter.
    /// </summary>
    private static int Pow2CodeBits(MvuStage producer, MvuStage consumer)
    {
        if (consumer.Factor?.Find("thresholds") is not IntTensorAttr thresholds) return 0; // codes from the bits alone: an OR
        int width = producer.OutputWidth + (producer.OutputType.Signed ? 1 : 0) + BitWidth.ToHold(consumer.Chunk);
        int Row(int c) => Enumerable.Range(0, thresholds.Shape[1]).Count(k => thresholds[c, k] < (1L << Math.Min(62, width)));
        int chunks = thresholds.Shape[0];
        int rows = Row(0) + (chunks > 1 && consumer.Inputs % consumer.Chunk != 0 ? Row(chunks - 1) : 0);
        return rows * width;
    }

    /// <summary>The transform as the folding optimizer sees it: PE values a beat, one beat a cycle at most.</summary>
    private static LayerShape TransformShape(TransformStage front, MvuStage next) =>
        new(front.Name, LayerKind.Transform, front.InputLength, front.Size, front.Size, 8, 1, 0, 0, 0, front.Last.Type.Width, front.OutputWidth,
            next.Prep is { Factor: not FactorKind.None } p ? p.Chunk : 0);

    /// <summary>An elementwise op a stage applies to its outputs before they leave.</summary>
    internal static bool IsPostOp(Node node) => PostOpKinds.Contains(node.Op) && node.Operands.Count == 1;

    /// <summary>The node whose values travel from a stage to the stage of <paramref name="consumer"/>.</summary>
    private static Node BoundaryOf(Graph graph, Node consumer)
    {
        var bits = graph.Operand(consumer, 0);
        if (consumer.Operands.Count == 1) return bits;
        var factor = graph.Operand(consumer, 1);
        if (factor.Op == Ops.Pow2Exponent)
        {
            // codes read the chunk sums of V (or only the bits, when V is bits already)
            var sums = factor.Operands.Select(o => graph[o]).FirstOrDefault(n => n.Op == Ops.ChunkSum);
            return sums is null ? bits : graph.Operand(sums, 0);
        }
        // the factor chain reads the integer value V the bits were computed from: that is the boundary
        var sum = factor.Op == Ops.ChunkSum ? factor : factor.Operands.Count == 2 ? graph.Operand(factor, 0) : null;
        return sum is null ? bits : graph.Operand(sum, 0);
    }

    private static Node FinalValue(Graph graph)
    {
        var argmax = graph[graph.Output.Operands[0]];
        return argmax.Op == Ops.ArgMax ? graph.Operand(argmax) : argmax;
    }

    private static (InputPrep Prep, Node? Factor) Prep(Graph graph, Node dot)
    {
        var bits = graph.Operand(dot, 0);
        int chunk = (int)dot.Int("chunk");
        var encoding = bits.Type.Encoding;
        if (dot.Operands.Count == 1)
            return (new InputPrep(true, 0, encoding, chunk, FactorKind.None, 0), null);
        var factor = graph.Operand(dot, 1);
        int width = factor.Type.Width;
        switch (factor.Op)
        {
            case Ops.ChunkSum:
                return (new InputPrep(false, BitThreshold(bits), encoding, chunk, FactorKind.Sum, width), factor);
            case Ops.ChunkFactor when factor.Operands.Count == 1:
                return (new InputPrep(true, 0, encoding, chunk, FactorKind.Popcount, width), factor);
            case Ops.ChunkFactor:
                return (new InputPrep(false, BitThreshold(bits), encoding, chunk, FactorKind.SumTimesPopcount, width), factor);
            case Ops.Pow2Exponent:
                // without chunk sums the codes read the bits the previous stage sent
                bool fromBits = factor.Operands.All(o => graph[o].Op != Ops.ChunkSum);
                return fromBits
                    ? (new InputPrep(true, 0, encoding, chunk, FactorKind.Pow2Code, width), factor)
                    : (new InputPrep(false, BitThreshold(bits), encoding, chunk, FactorKind.Pow2Code, width), factor);
            default:
                throw Unsupported(factor, "this chunk factor has no hardware generator");
        }
    }

    /// <summary>
    /// A binary first layer reads the input bytes binarized by one threshold (QONNX's x*2-1 then
    /// BipolarQuant): the input stage compares each byte as it arrives and packs the bits.
    /// </summary>
    private static InputPrep BinarizedInputPrep(Graph graph, Node dot)
    {
        var bits = graph.Operand(dot, 0);
        if (dot.Operands.Count != 1)
            throw Unsupported(dot, "a binary first layer on the input bytes must not have chunk factors (binarize the input with one threshold and use one chunk)");
        if (bits.Op != Ops.Threshold)
            throw Unsupported(bits, "a binary first layer must read the input bytes through one threshold");
        if (bits.Find("dir") is not null && bits.IntElements("dir", bits.Type.Length).Any(d => d != 1))
            throw Unsupported(bits, "the input threshold must be an increasing one (x >= t) for every byte");
        var thresholds = bits.IntElements("t", bits.Type.Length);
        if (thresholds.Distinct().Count() != 1)
            throw Unsupported(bits, $"the input bytes are thresholded with {thresholds.Distinct().Count()} different thresholds; the input stage compares every byte with one threshold");
        return new InputPrep(false, thresholds[0], bits.Type.Encoding, (int)dot.Int("chunk"), FactorKind.None, 0);
    }

    /// <summary>
    /// A plane-dot reads n-bit elements, stored as its x-planes: the previous stage's levels, or,
    /// first, the input bytes turned into levels by one shared multi-threshold (QONNX's n-bit input Quant).
    /// </summary>
    private static InputPrep PlanePrep(Graph graph, Node dot, bool first)
    {
        int planes = (int)dot.Int("x-planes");
        var prep = new InputPrep(false, 0, BitEncoding.ZeroOne, dot.IntTensor("weights").Shape[0], FactorKind.None, 0) { Planes = planes, StoresElements = true };
        var operand = graph.Operand(dot, 0);
        if (!first) return prep;
        if (operand.Op != Ops.Thresholds || graph.Operand(operand).Op != Ops.Input)
            throw Unsupported(dot, "a multi-bit first layer must read the input bytes through one multi-threshold (an n-bit input quantizer)");
        var t = operand.IntTensor("t");
        bool increasing = operand.Find("dir") is null || operand.IntElements("dir", operand.Type.Length).All(d => d == 1);
        var bases = operand.IntElements("base", operand.Type.Length);
        if (t.Shape[0] != 1 || !increasing || bases.Distinct().Count() != 1 || (operand.Has("step") && operand.Int("step") != 1))
            throw Unsupported(operand, "the input stage quantizes every byte with the same increasing thresholds, base and step 1; this input quantizer differs per byte");
        return prep with { InputLevels = t.Data, LevelBase = bases[0] };
    }

    private static long BitThreshold(Node bits)
    {
        if (bits.Op != Ops.Threshold || bits.Find("dir") is not null || bits.Get("t") is not IntAttr t)
            throw Unsupported(bits, "binarization bits must be a plain threshold of the values their chunk sums read");
        return t.Value;
    }

    /// <summary>The elementwise chain from the stage's matrix-vector node to the boundary value.</summary>
    private static List<PostOp> PostOpChain(Graph graph, Node mvu, Node boundary)
    {
        var chain = new List<PostOp>();
        for (var node = boundary; node.Name != mvu.Name; node = graph.Operand(node))
        {
            if (!PostOpKinds.Contains(node.Op) || node.Operands.Count != 1)
                throw Unsupported(node, $"between {mvu.Name} and the next stage only elementwise {string.Join("/", PostOpKinds)} ops are supported");
            chain.Insert(0, new PostOp(node));
        }
        return chain;
    }

    internal static UserError Unsupported(Node node, string why) =>
        new($"{ModelImporter.Describe(node)}: cannot generate hardware: {why}");
}
