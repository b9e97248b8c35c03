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

    /// <summary>Called after each inner pass that changed the graph.</summary>
    public Action<Pass, Runtime.Graph.Graph>? AfterEach { get; set; }

    public override bool Run(PassContext context)
    {
        bool any = false;
        for (int round = 0; round < MaxRounds; round++)
        {
            bool changed = false;
            foreach (var pass in passes)
            {
                if (!pass.Run(context)) continue;
                changed = true;
                AfterEach?.Invoke(pass, context.Graph.Build());
            }
            if (!changed) return any;
            any = true;
        }
        throw new InvalidOperationException($"{name} did not reach a fixpoint in {MaxRounds} rounds");
    }
}
