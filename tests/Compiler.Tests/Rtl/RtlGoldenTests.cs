using System.Runtime.CompilerServices;
using System.Text;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>
/// Golden files: each <c>Golden/CASE.rtl</c> (hand-written input, any layout, comments allowed)
/// is parsed and checked; its canonical print must equal <c>CASE.expect</c> and its emitted
/// Verilog and init files <c>CASE.v.expect</c>. The expectations are written only when
/// HWFLOW_UPDATE_GOLDEN=1 is set, never by hand.
/// </summary>
public sealed class RtlGoldenTests
{
    public static string Folder([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Golden");

    public static IReadOnlyList<string> CaseNames() =>
        [.. Directory.GetFiles(Folder(), "*.rtl").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Cases() => [.. CaseNames()];

    public static RtlDesign Load(string name) => RtlParser.Parse(File.ReadAllText(Path.Combine(Folder(), name + ".rtl")), name + ".rtl");

    [Fact]
    public void TheGoldenFolderHasCases() => Assert.True(CaseNames().Count >= 5, $"expected the golden cases in {Folder()}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Golden(string name)
    {
        var design = Load(name);
        Assert.Empty(RtlChecker.Check(design));
        var text = RtlPrinter.Print(design);
        Assert.Equal(text, RtlPrinter.Print(RtlParser.Parse(text, name + ".expect")));
        Compare(name + ".expect", text);
        Compare(name + ".v.expect", Concatenated(VerilogEmitter.Emit(design)));
    }

    /// <summary>All emitted files in one text, each under a header line naming it.</summary>
    public static string Concatenated(IReadOnlyList<EmittedFile> files)
    {
        var text = new StringBuilder();
        foreach (var file in files) text.Append($"//// {file.Name}\n").Append(file.Content);
        return text.ToString();
    }

    private static void Compare(string expectFile, string actual)
    {
        var path = Path.Combine(Folder(), expectFile);
        if (Environment.GetEnvironmentVariable("HWFLOW_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the tests once with HWFLOW_UPDATE_GOLDEN=1 and review the new file");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
