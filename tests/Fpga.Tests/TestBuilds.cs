using System.Text.Json;
using System.Text.Json.Nodes;
using HwFlow.Fpga;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Numerics;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// Build folders for the FPGA tests, laid out as `hwflow compile` writes them: the shipped
/// examples/fmnist-tiny compiled as ./run.sh compiles it, and a hand-written test core
/// (tests/fixtures/sum-mod10-build, the sum of (byte + 1) mod 10 per frame) whose RTL is small
/// enough for Icarus at gate level.
/// </summary>
public static class TestBuilds
{
    public static string RepoRoot => RepoPaths.Root;

    public static string SumMod10Fixture => Path.Combine(RepoRoot, "tests", "fixtures", "sum-mod10-build");

    /// <summary>A copy of the test core's build folder inside <paramref name="temp"/> (tests never write into the repository).</summary>
    public static BuildFolder SumMod10(TempFolder temp, string name = "sum-mod10")
    {
        var target = temp.File(name);
        CopyFolder(SumMod10Fixture, target);
        return BuildFolder.Open(target);
    }

    /// <summary>
    /// examples/fmnist-tiny compiled for 7,000 frames/s at 24 MHz (the folding that fits the
    /// iCE40 UP5K), written into <paramref name="temp"/>.
    /// </summary>
    public static BuildFolder FmnistTiny(TempFolder temp)
    {
        var spec = ModelLoader.Load(Path.Combine(RepoRoot, "examples", "fmnist-tiny"));
        var options = new CompileOptions();
        var graph = IntegerLowering.Lower(spec, options);
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        var plan = FoldingOptimizer.Optimize(shapes, graph.Input.Type.Length, new FoldingGoal.TargetFps(7000, 24));
        var folder = temp.File("fmnist-tiny");
        Directory.CreateDirectory(folder);
        BuildWriter.Write(folder, spec, graph, HardwareGenerator.Generate(graph, plan), IntegerGraphSummary.Of(graph, options), 24);
        return BuildFolder.Open(folder);
    }

    /// <summary>What a compiled build must answer: the golden kernel on its integer graph.</summary>
    public static IReadOnlyList<ulong> GoldenClasses(BuildFolder build, IReadOnlyList<byte[]> frames) =>
        [.. new GraphExecutor(build.Graph).Classify([.. frames.SelectMany(f => f)], frames.Count).Select(c => (ulong)c)];

    /// <summary>What the test core must answer: its C# model.</summary>
    public static ulong TestCoreClass(byte[] frame) => (ulong)(frame.Sum(b => b + 1) % 10);

    /// <summary>
    /// A build folder holding <paramref name="verilog"/> as rtl/hwflow_top.v, with the test core's
    /// manifest changed by <paramref name="edit"/>.
    /// </summary>
    public static string Custom(TempFolder temp, string name, string verilog, Action<JsonObject>? edit = null)
    {
        var folder = temp.File(name);
        Directory.CreateDirectory(Path.Combine(folder, "rtl"));
        File.WriteAllText(Path.Combine(folder, "rtl", "hwflow_top.v"), verilog);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(SumMod10Fixture, BuildFolder.ManifestFile)))!.AsObject();
        manifest["model"] = name;
        manifest["verilogFiles"] = new JsonArray("rtl/hwflow_top.v");
        manifest["memoryFiles"] = new JsonArray();
        edit?.Invoke(manifest);
        File.WriteAllText(Path.Combine(folder, BuildFolder.ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return folder;
    }

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images (784 raw bytes each).</summary>
    public static IReadOnlyList<byte[]> FashionMnistImages(int count)
    {
        var data = DatasetCatalog.Load("fashion-mnist", DataSplit.Test);
        return Enumerable.Range(0, count).Select(i => data.Image(i).ToArray()).ToList();
    }

    /// <summary>Seeded random frames, for cores with short frames.</summary>
    public static IReadOnlyList<byte[]> RandomFrames(int count, int bytes, ulong seed)
    {
        var rng = new SplitMix64(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var frame = new byte[bytes];
            for (var i = 0; i < bytes; i++) frame[i] = (byte)rng.NextUInt64();
            return frame;
        }).ToList();
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
