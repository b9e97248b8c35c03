using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Tests.Passes;

/// <summary>
/// Evaluates the graph before and after every pass on the same inputs and checks each declared
/// correspondence: bits equal; real values within the pass's declared bound (plus 1e-9 relative
/// for floating-point summation order), for the elements the bound is declared for (a saturating
/// pass declares it only within its range). Bound 0 therefore means exact.
/// </summary>
public sealed class SemanticChecker(byte[] inputs, int rows) : IPassObserver
{
    public List<string> Failures { get; } = [];
    public HashSet<string> PassesChecked { get; } = [];
    public int Comparisons { get; private set; }

    public void PassRan(Pass pass, bool changed, Graph before, Graph after, IReadOnlyList<Correspondence> correspondences)
    {
        if (!changed) return;
        var b = new GraphExecutor(before).RunAll(inputs, rows);
        var a = new GraphExecutor(after).RunAll(inputs, rows);
        foreach (var c in correspondences)
        {
            PassesChecked.Add(pass.Name);
            var x = b[c.Before];
            var y = a[c.After];
            if (x.Length != y.Length)
            {
                Failures.Add($"{pass.Name}: %{c.Before} has {x.Length} elements, %{c.After} {y.Length}");
                continue;
            }
            for (int r = 0; r < rows; r++)
            {
                double magnitude = 0;
                for (int i = 0; i < x.Length; i++) magnitude = Math.Max(magnitude, Math.Abs(x.RealAt(r, i)));
                for (int i = 0; i < x.Length; i++)
                {
                    Comparisons++;
                    double expected = x.RealAt(r, i), actual = y.RealAt(r, i);
                    if (Math.Abs(expected) > c.Within) continue; // the pass saturates out there, as it declares
                    double tolerance = c.Bound + (1e-9 * (1 + magnitude));
                    if (Math.Abs(expected - actual) > tolerance)
                        Failures.Add($"{pass.Name}: %{c.After} [{r},{i}] = {actual} but %{c.Before} = {expected} (declared bound {c.Bound})");
                }
            }
        }
        if (pass is DropOutputSigmoid or LowerAffine)
        {
            // The class must be one of the maxima before: a saturated sigmoid (exactly 1.0 in double) can tie;
            // lower-affine drops one positive map for every class before a class output.
            var scores = b[before.Output.Name];
            var classes = GraphExecutor.Classes(a[after.Output.Name]);
            for (int r = 0; r < rows; r++)
            {
                double best = Enumerable.Range(0, scores.Length).Max(i => scores.RealAt(r, i));
                if (scores.RealAt(r, classes[r]) != best) Failures.Add($"{pass.Name} changed the class of sample {r}");
            }
        }
    }
}
