using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>
/// A stage padded to a folding whose PE or SIMD does not divide the layer, as FINN pads: the
/// weights grow to ceil(In/SIMD)*SIMD rows and ceil(Out/PE)*PE columns, the per-neuron constants
/// to the padded outputs. The pad lanes of the last beat read activation 0 (the input buffer masks
/// them) against a stored weight bit 1, so they add nothing to an XNOR or AND popcount; a signed
/// XNOR count (2 pop - n) counts each pad as -1, which the padded bias gives back (times the
/// neuron's coefficient). Pad neurons compute garbage that nothing reads: the next stage's input
/// buffer and the argmax skip them. <see cref="Original"/> is the unpadded stage.
/// </summary>
public sealed record StagePadding(MvuStage Original)
{
    public int Inputs => Original.Inputs;

    public int Outputs => Original.Outputs;

    /// <summary>The stage padded to <paramref name="folding"/>, or the stage itself when PE and SIMD divide it.</summary>
    public static MvuStage Pad(MvuStage stage, LayerFolding folding)
    {
        int inputs = stage.Inputs, outputs = stage.Outputs;
        int paddedIn = RoundUp(inputs, folding.Simd), paddedOut = RoundUp(outputs, folding.Pe);
        if (paddedIn == inputs && paddedOut == outputs) return stage;

        var mvu = PadNode(stage.Mvu, outputs, paddedOut);
        var weights = stage.Mvu.IntTensor("weights");
        var padded = new long[(long)paddedIn * paddedOut];
        Array.Fill(padded, 1L);
        for (int i = 0; i < inputs; i++)
            for (int j = 0; j < outputs; j++) padded[((long)i * paddedOut) + j] = weights[i, j];
        mvu = mvu.With("weights", new IntTensorAttr([paddedIn, paddedOut], padded));
        if (stage.Mvu.Op == Ops.BinDot && paddedIn > inputs && stage.Prep!.Encoding == BitEncoding.PlusMinus)
        {
            // each pad lane counts -1 in 2 pop - n: the bias adds it back, times the coefficient
            long pads = paddedIn - inputs;
            var coef = stage.Mvu.Find("coef") as IntTensorAttr;
            var bias = stage.Mvu.IntElements("bias", outputs);
            var corrected = new long[paddedOut];
            for (int j = 0; j < outputs; j++) corrected[j] = bias[j] + (pads * (coef is null ? 1 : coef[0, j]));
            mvu = mvu.With("bias", new IntTensorAttr([paddedOut], corrected));
        }
        var prep = stage.Prep;
        if (stage.Mvu.Op == Ops.BinDot && stage.Chunk >= inputs)
        {
            // one chunk: it grows with the inputs (padding is legal only for single-chunk layers)
            mvu = mvu.With("chunk", new IntAttr(paddedIn));
            prep = prep! with { Chunk = paddedIn };
        }
        var postOps = stage.PostOps.Select(p => new PostOp(PadNode(p.Node, outputs, paddedOut))).ToList();
        return stage with
        {
            Mvu = mvu,
            Prep = prep,
            PostOps = postOps,
            OutputType = stage.OutputType with { Length = paddedOut },
            Padding = new StagePadding(stage),
        };
    }

    public static int RoundUp(int count, int step) => (count + step - 1) / step * step;

    /// <summary>The node's per-neuron constants and type grown to <paramref name="paddedOut"/> neurons (pad values: direction +1, everything else 0).</summary>
    private static Node PadNode(Node node, int outputs, int paddedOut)
    {
        if (paddedOut == outputs) return node;
        var padded = node with { Type = node.Type with { Length = paddedOut } };
        foreach (var (key, attr) in node.Attrs)
        {
            if (attr is not IntTensorAttr tensor || key == "weights") continue;
            long fill = key == "dir" ? 1 : 0;
            if (tensor.Shape.Length == 1)
            {
                var data = new long[paddedOut];
                Array.Fill(data, fill);
                node.IntElements(key, outputs).CopyTo(data, 0);
                padded = padded.With(key, new IntTensorAttr([paddedOut], data));
            }
            else if (tensor.Shape.Length == 2 && key != "t" && tensor.Shape[1] == outputs)
            {
                // [rows, outputs] (chunk coefficients): pad columns
                int rows = tensor.Shape[0];
                var data = new long[rows * paddedOut];
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < outputs; j++) data[(r * paddedOut) + j] = tensor[r, j];
                padded = padded.With(key, new IntTensorAttr([rows, paddedOut], data));
            }
            else if (tensor.Shape.Length == 2 && key == "t" && tensor.Shape[0] == outputs && outputs > 1)
            {
                // [outputs, levels] (per-neuron threshold rows): pad neurons repeat neuron 0's sorted row
                int levels = tensor.Shape[1];
                var data = new long[paddedOut * levels];
                Array.Copy(tensor.Data, data, tensor.Data.Length);
                for (int j = outputs; j < paddedOut; j++) Array.Copy(tensor.Data, 0, data, j * levels, levels);
                padded = padded.With(key, new IntTensorAttr([paddedOut, levels], data));
            }
        }
        return padded;
    }
}
