using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Onnx;
using HwFlow.Runtime.Semantics;
using HwFlow.Tests.Onnx;
using Xunit.Abstractions;

namespace HwFlow.Compiler.Tests.Onnx;

/// <summary>
/// The three Brevitas TFC models, imported, against the float64 ONNX reference interpreter on
/// all 10,000 MNIST digits: the float model, the integer golden kernel and the packed engine
/// must give the reference's class for every digit, except where the reference itself is within
/// rounding of a decision (a quantizer input or the top-2 gap closer than 1e-9, relative to 1 + |value|): those
/// are counted and printed, and so are exact top-2 ties, which every engine breaks to the first class.
/// </summary>
public sealed class TfcAgreementTests(ITestOutputHelper output)
{
    private const double RoundingMargin = 1e-9;

    private sealed record ReferenceRun(int[] Classes, bool[] WithinRounding, int Ties);

    private static readonly Dictionary<string, Lazy<ReferenceRun>> References = TfcModels.Names.ToDictionary(n => n, n => new Lazy<ReferenceRun>(() => RunReference(n)));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in TfcModels.Names)
        {
            foreach (var engine in new[] { "float", "integer", "packed" }) data.Add(name, engine);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImportedModelGivesTheReferenceClassOnEveryDigit(string name, string engine)
    {
        var digits = TfcModels.AllDigits;
        var spec = OnnxImport.Load(TfcModels.PathOf(name));
        int[] classes = engine switch
        {
            "float" => new FloatEvaluator(spec).Classify(digits.Images, digits.Count),
            "integer" => new GraphExecutor(IntegerLowering.Lower(spec, new CompileOptions())).Classify(digits.Images, digits.Count),
            _ => PackedEngine.Create(IntegerLowering.Lower(spec, new CompileOptions())).Classify(digits.Images, digits.Count),
        };
        var reference = References[name].Value;
        var disagree = Enumerable.Range(0, digits.Count).Where(i => classes[i] != reference.Classes[i]).ToList();
        var unexplained = disagree.Where(i => !reference.WithinRounding[i]).ToList();
        int correct = Enumerable.Range(0, digits.Count).Count(i => classes[i] == digits.Labels[i]);
        output.WriteLine($"{name} {engine}: accuracy {100.0 * correct / digits.Count:F2}% on {digits.Count} digits; " +
            $"{disagree.Count} differ from the reference, {reference.WithinRounding.Count(w => w)} within rounding margin, {reference.Ties} exact top-2 ties");
        Assert.True(unexplained.Count == 0,
            $"{name} {engine}: {unexplained.Count} digits differ from the reference outside rounding margin, first {string.Join(", ", unexplained.Take(10).Select(i => $"#{i}: {classes[i]} vs {reference.Classes[i]}"))}");
    }

    private static ReferenceRun RunReference(string name)
    {
        var digits = TfcModels.AllDigits;
        var reference = new OnnxReference(TfcModels.PathOf(name));
        var scores = reference.Run(TfcModels.Pixels(digits));
        int classes = scores.Shape[1];
        var result = new int[digits.Count];
        var within = new bool[digits.Count];
        int ties = 0;
        for (int r = 0; r < digits.Count; r++)
        {
            var row = scores.Data.AsSpan(r * classes, classes);
            int best = 0;
            for (int j = 1; j < classes; j++)
            {
                if (row[j] > row[best]) best = j;
            }
            double second = double.NegativeInfinity;
            for (int j = 0; j < classes; j++)
            {
                if (j != best) second = Math.Max(second, row[j]);
            }
            double gap = (row[best] - second) / (1 + Math.Abs(row[best]));
            if (gap == 0) ties++;
            result[r] = best;
            within[r] = reference.Margins[r] < RoundingMargin || (gap > 0 && gap < RoundingMargin);
        }
        return new ReferenceRun(result, within, ties);
    }
}
