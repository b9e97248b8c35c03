using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// One transformation of the graph. A pass declares the properties it needs (checked by the
/// <see cref="PassManager"/> before it runs), the ones it establishes and the ones it breaks.
/// </summary>
public abstract class Pass
{
    /// <summary>kebab-case name, as in --dump-ir-after-each file names and test folders.</summary>
    public abstract string Name { get; }

    public abstract string Description { get; }

    public virtual IReadOnlyList<string> Requires => [];

    public virtual IReadOnlyList<string> Establishes => [];

    public virtual IReadOnlyList<string> Invalidates => [];

    /// <summary>Transforms the graph in <paramref name="context"/>; returns whether anything changed.</summary>
    public abstract bool Run(PassContext context);
}

/// <summary>
/// What a pass works on: the editable graph, the options, and a record of which new value
/// stands for which old one and how far apart their real values may be (the declared bound),
/// so tests can check every pass semantically.
/// </summary>
public sealed class PassContext(GraphBuilder graph, CompileOptions options)
{
    private readonly List<Correspondence> _correspondences = [];

    public GraphBuilder Graph { get; } = graph;
    public CompileOptions Options { get; } = options;
    public IReadOnlyList<Correspondence> Correspondences => _correspondences;

    /// <summary>Set by the pass manager; groups report their inner passes to it.</summary>
    public IPassObserver? Observer { get; init; }

    /// <summary>Declares that value <paramref name="after"/> stands for value <paramref name="before"/> of the graph before the pass, within <paramref name="bound"/> (0 = exact).</summary>
    public void Corresponds(string before, string after, double bound) => _correspondences.Add(new Correspondence(before, after, bound));

    /// <summary>As <see cref="Corresponds(string, string, double)"/>, for the elements whose real value before the pass is within ±<paramref name="within"/> (the pass saturates beyond it).</summary>
    public void Corresponds(string before, string after, double bound, double within) => _correspondences.Add(new Correspondence(before, after, bound, within));
}

/// <summary>
/// |real(after) - real(before)| &lt;= Bound for every element, given equal inputs to the pass;
/// for passes that saturate, only for elements with |real(before)| &lt;= Within.
/// </summary>
public sealed record Correspondence(string Before, string After, double Bound, double Within = double.PositiveInfinity);
