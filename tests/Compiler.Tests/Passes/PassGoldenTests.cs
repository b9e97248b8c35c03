using System.Text;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Tests.Passes;

/// <summary>
/// One data-driven theory over tests/Compiler.Tests/Passes/&lt;pass-name&gt;/&lt;case&gt;.ir: the named
/// pass runs alone on the input graph and its printed result (with the correspondences it
/// declared, or its error) must equal the sibling .expect file. Goldens are regenerated only
/// with HWFLOW_UPDATE_GOLDEN=1, never edited by hand. A first line "# options: coef-bits=4 ..."
/// sets compile options.
/// </summary>
public sealed class PassGoldenTests
{
    private static string Folder => Path.Combine(TestPaths.TestProject, "Passes");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Folder, "*.ir", SearchOption.AllDirectories).Order())
            data.Add(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void EveryPassOfThePipelineHasGoldenCases()
    {
        var covered = Directory.GetDirectories(Folder).Select(Path.GetFileName).ToHashSet();
        var missing = Pipelines.ByName().Values.Where(p => p is not FixpointGroup).Select(p => p.Name).Where(n => !covered.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"passes without golden cases: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PassOutputMatchesGolden(string passName, string caseName)
    {
        var input = Path.Combine(Folder, passName, caseName + ".ir");
        var expectPath = Path.ChangeExtension(input, ".expect");
        Assert.True(Pipelines.ByName().TryGetValue(passName, out var pass), $"no pass named {passName} (folder {Path.GetDirectoryName(input)})");
        var text = File.ReadAllText(input);
        var actual = Run(pass!, GraphParser.Parse(text, input), Options(text));

        if (TestPaths.UpdateGoldens)
        {
            File.WriteAllText(expectPath, actual);
            return;
        }
        Assert.True(File.Exists(expectPath), $"{expectPath} is missing; generate it with HWFLOW_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(expectPath), actual);
    }

    private static string Run(Pass pass, Graph graph, CompileOptions options)
    {
        var all = typeof(Properties).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        var observer = new Recorder();
        try
        {
            var result = new PassManager([pass]) { Observer = observer }.Run(graph, options, all);
            var text = new StringBuilder(GraphPrinter.Print(result));
            foreach (var c in observer.Correspondences)
                text.Append($"# %{c.After} stands for %{c.Before} within {AttrText.Real(c.Bound)}\n");
            return text.ToString();
        }
        catch (UserError e)
        {
            return $"error: {e.Message}\n";
        }
    }

    private static CompileOptions Options(string text)
    {
        var options = new CompileOptions();
        var first = text.Split('\n')[0];
        if (!first.StartsWith("# options:", StringComparison.Ordinal)) return options;
        foreach (var setting in first["# options:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (setting.Split('=')[0], setting.Split('=')[1]);
            options = key switch
            {
                "coef-bits" => options with { CoefBits = int.Parse(value) },
                "first-layer-bits" => options with { FirstLayerBits = int.Parse(value) },
                "activation-bits" => options with { ActivationBits = int.Parse(value) },
                "sigmoid-frac-bits" => options with { SigmoidFractionBits = int.Parse(value) },
                _ => throw new InvalidOperationException($"unknown option {key} in a golden case"),
            };
        }
        return options;
    }

    private sealed class Recorder : IPassObserver
    {
        public List<Correspondence> Correspondences { get; } = [];

        public void PassRan(Pass pass, bool changed, Graph before, Graph after, IReadOnlyList<Correspondence> correspondences) =>
            Correspondences.AddRange(correspondences);
    }
}
