using System.Text.Json;

namespace HwFlow.Cli.Tests;

public sealed class CompileCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private static readonly string Tiny = CliProcess.Example("tiny-hbnn");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CompileWritesTheWholeBuildFolderAndItIsDeterministic()
    {
        var first = _dir.File("a");
        var result = CliProcess.Run("compile", Tiny, "-o", first, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var file in new[] { "hwflow-build.json", "design.rtl", "graph.ir", "folding.yaml", "report.md", "report.json", "hwflow.core", "model/model.yaml", "rtl/hwflow_top.v" })
            Assert.True(File.Exists(Path.Combine(first, file)), $"{file} is missing");
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "hwflow-build.json"))).RootElement;
        Assert.Equal("hwflow-build/1", manifest.GetProperty("format").GetString());
        Assert.Equal(784, manifest.GetProperty("inputBytes").GetInt32());
        var json = result.Json();
        Assert.Equal(manifest.GetProperty("cyclesPerFrame").GetInt64(), json.GetProperty("report").GetProperty("cyclesPerFrame").GetInt64());
        Assert.Contains("$readmemh(\"rtl/", File.ReadAllText(Path.Combine(first, "rtl", "layer_l0.v")));

        var second = _dir.File("b");
        Assert.Equal(0, CliProcess.Run("compile", Tiny, "-o", second).ExitCode);
        var files = Directory.GetFiles(first, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first, f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(second, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(second, f)).Order());
        Assert.All(files, f => Assert.True(File.ReadAllBytes(Path.Combine(first, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, f))), $"{f} differs between two compiles"));
    }

    [Fact]
    public void AFoldingFileReproducesAndOverridesTheFolding()
    {
        var built = _dir.File("a");
        Assert.Equal(0, CliProcess.Run("compile", Tiny, "-o", built).ExitCode);
        var again = _dir.File("b");
        var result = CliProcess.Run("compile", Tiny, "-o", again, "--folding", Path.Combine(built, "folding.yaml"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(File.ReadAllText(Path.Combine(built, "design.rtl")), File.ReadAllText(Path.Combine(again, "design.rtl")));

        var slow = _dir.File("slow.yaml");
        File.WriteAllText(slow, "layers:\n  l0: { pe: 1, simd: 1 }\n  l3: { pe: 1, simd: 1 }\n  l5: { pe: 1, simd: 1 }\n");
        var slowResult = CliProcess.Run("compile", Tiny, "-o", _dir.File("c"), "--folding", slow, "--json");
        Assert.True(slowResult.ExitCode == 0, slowResult.ToString());
        Assert.Equal(24 * 784, slowResult.Json().GetProperty("report").GetProperty("cyclesPerFrame").GetInt64());
    }

    [Fact]
    public void TargetFpsPicksAFoldingThatMeetsIt()
    {
        var result = CliProcess.Run("compile", Tiny, "-o", _dir.File("a"), "--target-fps", "20000", "--clock-mhz", "100", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var folding = result.Json().GetProperty("report").GetProperty("folding");
        Assert.True(folding.GetProperty("framesPerSecond").GetDouble() >= 20000);
    }

    [Fact]
    public void IrOnlyAndIrDumps()
    {
        var folder = _dir.File("ir");
        var result = CliProcess.Run("compile", Tiny, "-o", folder, "--ir-only", "--dump-ir-after-each");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(folder, "graph.ir")));
        Assert.False(File.Exists(Path.Combine(folder, "hwflow-build.json")));
        Assert.Contains("01-drop-output-sigmoid.ir", Directory.GetFiles(Path.Combine(folder, "ir-dump")).Select(Path.GetFileName));

        // The integer graph's report is the build report's, not a second rendering: the same JSON
        // (options included, "scales": null when the model decides) and the same Markdown table.
        var build = _dir.File("build");
        Assert.Equal(0, CliProcess.Run("compile", Tiny, "-o", build).ExitCode);
        var irJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json"))).RootElement;
        var buildJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(build, "report.json"))).RootElement.GetProperty("lowering");
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(buildJson.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(irJson.GetRawText())),
            "--ir-only's report.json differs from the lowering in a build's report.json");
        Assert.Equal(JsonValueKind.Null, irJson.GetProperty("options").GetProperty("scales").ValueKind);
        var irMarkdown = File.ReadAllText(Path.Combine(folder, "report.md"));
        var table = irMarkdown[irMarkdown.IndexOf("First-layer bits", StringComparison.Ordinal)..];
        Assert.EndsWith(table, File.ReadAllText(Path.Combine(build, "report.md")));
        Assert.Contains("| value | op | type | range | scale |", table);
    }

    [Fact]
    public void AnUnreachableTargetSaysTheBestReachable() =>
        CliProcess.AssertUserError(CliProcess.Run("compile", Tiny, "-o", _dir.File("x"), "--target-fps", "1000000", "--clock-mhz", "100"),
            "the best reachable is 127,551 frames/s");

    [Fact]
    public void AnIllegalFoldingFileNamesTheLayerAndTheConstraint()
    {
        var file = _dir.File("bad.yaml");
        File.WriteAllText(file, "layers:\n  l0: { pe: 2, simd: 16 }\n  l3: { pe: 1, simd: 1 }\n  l5: { pe: 1, simd: 1 }\n");
        var result = CliProcess.Run("compile", Tiny, "-o", _dir.File("x"), "--folding", file);
        CliProcess.AssertUserError(result, "bad.yaml:2:");
        Assert.Contains("layer l0: PE 2 must divide the next layer's chunk length 5", result.Stderr);
        Assert.False(Directory.Exists(_dir.File("x")));
    }

    [Fact]
    public void ConflictingGoalsAndAnExistingOutputAreRefused()
    {
        CliProcess.AssertUserError(CliProcess.Run("compile", Tiny, "-o", _dir.File("x"), "--target-fps", "10", "--max-luts", "100"), "cannot be combined");
        Directory.CreateDirectory(_dir.File("exists"));
        CliProcess.AssertUserError(CliProcess.Run("compile", Tiny, "-o", _dir.File("exists")), "exists already (use --force");
    }
}
