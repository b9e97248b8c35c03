using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// Runs a pipeline of passes in order, checking each pass's declared requirements against the
/// properties established so far, and offering the graph after each pass (--dump-ir-after-each).
/// </summary>
public sealed class PassManager(IReadOnlyList<Pass> pipeline)
{
    public IReadOnlyList<Pass> Pipeline { get; } = pipeline;

    /// <summary>Sees every pass that ran, with the graphs before and after it (--dump-ir-after-each, tests).</summary>
    public IPassObserver? Observer { get; init; }

    public Graph Run(Graph graph, CompileOptions options, ISet<string>? established = null)
    {
        var properties = established ?? new HashSet<string> { Properties.LayerGraph };
        foreach (var pass in Pipeline)
        {
            var missing = pass.Requires.Where(r => !properties.Contains(r)).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException($"pass {pass.Name} requires {string.Join(", ", missing)}, which no earlier pass established (pipeline order is wrong)");
            var context = new PassContext(new GraphBuilder(graph), options) { Observer = Observer };
            var before = graph;
            bool changed = pass.Run(context);
            graph = context.Graph.Build();
            foreach (var lost in pass.Invalidates) properties.Remove(lost);
            foreach (var gained in pass.Establishes) properties.Add(gained);
            if (pass is not FixpointGroup) Observer?.PassRan(pass, changed, before, graph, context.Correspondences);
        }
        return graph;
    }
}

/// <summary>Sees each pass run: the graph before and after, and the correspondences the pass declared.</summary>
public interface IPassObserver
{
    void PassRan(Pass pass, bool changed, Graph before, Graph after, IReadOnlyList<Correspondence> correspondences);
}

/// <summary>The properties passes establish and require.</summary>
public static class Properties
{
    /// <summary>The graph was imported from a model (layer ops on reals).</summary>
    public const string LayerGraph = "layer-graph";

    public const string OutputSigmoidHandled = "output-sigmoid-handled";

    /// <summary>No conv2d or bin-conv2d is left: each is a window and a dense layer on its receptive fields.</summary>
    public const string ConvolutionsSplit = "convolutions-split";
    public const string SignsFused = "signs-fused";
    public const string IntegerInput = "integer-input";
    public const string LinearLowered = "linear-lowered";
    public const string BinLowered = "bin-lowered";

    /// <summary>No layer-level op is left: every value is an integer or bits.</summary>
    public const string Integer = "integer";

    /// <summary>Every integer value's type holds its proven range (and so its width).</summary>
    public const string Ranges = "ranges";

}
