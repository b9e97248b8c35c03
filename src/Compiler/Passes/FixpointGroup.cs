namespace HwFlow.Compiler.Passes;

/// <summary>
/// Runs its passes in order, again and again, until none changes anything. Layer lowerings are
/// such a group: each lowers the layers whose inputs are already integers, so a chain of
/// different layer types is lowered front to back.
/// </summary>
public sealed class FixpointGroup(string name, string description, IReadOnlyList<Pass> passes) : Pass
{
    private const int MaxRounds = 1000;

    public override string Name => name;
    public override string Description => description;
    public IReadOnlyList<Pass> Passes => passes;
    public override IReadOnlyList<string> Requires => passes.SelectMany(p => p.Requires).Distinct().ToList();
    public override IReadOnlyList<string> Establishes => passes.SelectMany(p => p.Establishes).Distinct().ToList();

    public override bool Run(PassContext context)
    {
        bool any = false;
        for (int round = 0; round < MaxRounds; round++)
        {
            bool changed = false;
            foreach (var pass in passes)
            {
                var before = context.Observer is null ? null : context.Graph.Build();
                int declared = context.Correspondences.Count;
                if (!pass.Run(context)) continue;
                changed = true;
                context.Observer?.PassRan(pass, true, before!, context.Graph.Build(), context.Correspondences.Skip(declared).ToList());
            }
            if (!changed) return any;
            any = true;
        }
        throw new InvalidOperationException($"{name} did not reach a fixpoint in {MaxRounds} rounds");
    }
}
