using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A convolution becomes its two steps: the sliding window (im2col: every output position's
/// receptive field, padding 0), then the dense layer of its kind on each receptive field, with
/// the weights [kh, kw, cin, cout] read as the matrix [kh * kw * cin, cout]: conv2d becomes
/// window + linear, bin-conv2d window + bin (hb of each receptive field and of each output
/// channel's weights, as the model defines it). Exact. From here on the dense layers and
/// BatchNorms lower as for MLPs, per segment and per channel.
/// </summary>
public sealed class SplitConvolution : Pass
{
    public override string Name => "split-conv";
    public override string Description => "Conv2D / BinConv2D become window (im2col) + LinearLayer / BinLayer on each receptive field";
    public override IReadOnlyList<string> Requires => [Properties.LayerGraph];
    public override IReadOnlyList<string> Establishes => [Properties.ConvolutionsSplit];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var conv in graph.Nodes.Where(n => n.Op is Ops.Conv2D or Ops.BinConv2D).ToList())
        {
            var geometry = WindowAttrs.Geometry(conv);
            var window = new Node(graph.Fresh(conv.Name + ".window"), Ops.Window, conv.Operands, GraphType.Real(geometry.Positions * geometry.Patch),
                WindowAttrs.Of(geometry));
            var weights = conv.RealTensor("weights");
            var matrix = new RealTensorAttr([geometry.Patch, weights.Shape[3]], weights.Data);
            var attrs = WindowAttrs.Others(conv).Select(a => a.Key == "weights" ? KeyValuePair.Create("weights", (Attr)matrix) : a).ToList();
            var dense = new Node(conv.Name, conv.Op == Ops.Conv2D ? Ops.Linear : Ops.Bin, [window.Name], attrs, conv.Type);
            graph.InsertBefore(conv.Name, window);
            graph.Replace(conv.Name, dense);
            context.Corresponds(conv.Name, conv.Name, 0);
            changed = true;
        }
        return changed;
    }
}
