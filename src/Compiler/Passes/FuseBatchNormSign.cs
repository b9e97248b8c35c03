using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// BatchNorm followed by a (bipolar) Sign becomes one affine-sign node computing the same
/// BatchNorm expression and its sign, which lowering turns into an integer threshold. A
/// HardTanh between them is dropped: sign(clip(x, -1, 1)) = sign(x).
/// </summary>
public sealed class FuseBatchNormSign : Pass
{
    public override string Name => "fuse-batchnorm-sign";
    public override string Description => "Fuse BatchNorm [+ HardTanh] + Sign into affine-sign";
    public override IReadOnlyList<string> Requires => [Properties.LayerGraph];
    public override IReadOnlyList<string> Establishes => [Properties.SignsFused];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var sign in graph.Nodes.Where(n => n.Op == Ops.Sign && !n.Bool("unipolar")).ToList())
        {
            var source = graph[sign.Operands[0]];
            Node? clip = null;
            if (source.Op == Ops.HardTanh && graph.Users(source.Name).Count() == 1)
            {
                clip = source;
                source = graph[source.Operands[0]];
            }
            if (source.Op != Ops.BatchNorm || graph.Users(source.Name).Count() != 1) continue;
            var fused = new Node(sign.Name, Ops.AffineSign, source.Operands, source.Attrs, sign.Type);
            graph.Replace(sign.Name, fused);
            if (clip is not null) graph.Remove(clip.Name);
            graph.Remove(source.Name);
            context.Corresponds(sign.Name, sign.Name, 0);
            changed = true;
        }
        return changed;
    }
}
