using System.Text.Json;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Builds;

/// <summary>
/// A build folder written by `hwflow compile`, checked before anything runs on it: the manifest
/// is there and of this version, its files exist inside the folder, design.rtl parses, and the
/// top module has exactly the AXI4-Stream ports of the contract. Every problem is a one-line
/// <see cref="UserError"/> naming the file.
/// </summary>
public sealed class BuildFolder
{
    public const string ManifestFile = "hwflow-build.json";
    public const string DesignFile = "design.rtl";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private BuildFolder(string path, BuildManifest manifest, RtlDesign design)
    {
        Path = path;
        Manifest = manifest;
        Design = design;
    }

    public string Path { get; }
    public BuildManifest Manifest { get; }
    public RtlDesign Design { get; }

    public IReadOnlyList<string> VerilogPaths => [.. Manifest.VerilogFiles.Select(f => System.IO.Path.Combine(Path, f))];
    public IReadOnlyList<string> MemoryPaths => [.. Manifest.MemoryFiles.Select(f => System.IO.Path.Combine(Path, f))];

    public static BuildFolder Load(string path)
    {
        if (!Directory.Exists(path)) throw UserError.In(path, "no such build folder (make one with: hwflow compile MODEL -o FOLDER)");
        string manifestPath = System.IO.Path.Combine(path, ManifestFile);
        if (!File.Exists(manifestPath)) throw UserError.In(path, $"not a build folder: {ManifestFile} is missing (make one with: hwflow compile MODEL -o FOLDER)");
        BuildManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BuildManifest>(File.ReadAllText(manifestPath), Json) ?? throw UserError.In(manifestPath, "the manifest is empty");
        }
        catch (JsonException e)
        {
            throw UserError.In(manifestPath, $"not valid JSON: {e.Message}");
        }
        if (manifest.Format != BuildManifest.CurrentFormat)
            throw UserError.In(manifestPath, $"the build is of format '{manifest.Format}' (HwFlow {manifest.HwflowVersion}); this HwFlow reads '{BuildManifest.CurrentFormat}': compile the model again");
        if (manifest.Top.Length == 0) throw UserError.In(manifestPath, "the manifest names no top module");
        if (manifest.VerilogFiles.Count == 0) throw UserError.In(manifestPath, "the manifest lists no Verilog files");
        if (manifest.InputBytes < 1 || manifest.OutputWidth < 1) throw UserError.In(manifestPath, "inputBytes and outputWidth must be positive");
        foreach (var file in manifest.VerilogFiles.Concat(manifest.MemoryFiles))
        {
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(path, file));
            if (!full.StartsWith(System.IO.Path.GetFullPath(path), StringComparison.Ordinal))
                throw UserError.In(manifestPath, $"the file {file} is outside the build folder");
            if (!File.Exists(full)) throw UserError.In(manifestPath, $"the file {file} listed in the manifest is missing");
        }
        string designPath = System.IO.Path.Combine(path, DesignFile);
        if (!File.Exists(designPath)) throw UserError.In(path, $"not a complete build folder: {DesignFile} is missing");
        var design = RtlParser.ReadFile(designPath);
        var problems = RtlChecker.Check(design);
        if (problems.Count > 0)
            throw UserError.In(designPath, problems[0] + (problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : ""));
        if (design.Top != manifest.Top) throw UserError.In(designPath, $"the top module is {design.Top} but the manifest says {manifest.Top}");
        CheckPorts(designPath, design.TopModule, manifest.OutputWidth);
        return new BuildFolder(path, manifest, design);
    }

    /// <summary>
    /// Writes the simulation part of a build folder into <paramref name="folder"/> (which should
    /// be a staging folder): design.rtl, rtl/*.v and rtl/*.hex, and the manifest with the file
    /// lists filled in. `hwflow compile` can use it; tests and benchmarks use it for hand-built
    /// designs.
    /// </summary>
    public static BuildManifest Write(string folder, RtlDesign design, BuildManifest manifest)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, DesignFile), RtlPrinter.Print(design));
        var files = VerilogEmitter.Write(design, System.IO.Path.Combine(folder, "rtl"));
        string Relative(string f) => "rtl/" + System.IO.Path.GetFileName(f);
        var complete = manifest with
        {
            Format = BuildManifest.CurrentFormat,
            Top = design.Top,
            VerilogFiles = [.. files.Where(f => f.EndsWith(".v", StringComparison.Ordinal)).Select(Relative)],
            MemoryFiles = [.. files.Where(f => f.EndsWith(".hex", StringComparison.Ordinal)).Select(Relative)],
        };
        File.WriteAllText(System.IO.Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(complete, new JsonSerializerOptions(Json) { WriteIndented = true }) + "\n");
        return complete;
    }

    /// <summary>The Verilator model of this build with the stream harness (built once, then cached).</summary>
    public VerilatorModel StreamModel(CancellationToken cancel = default) =>
        VerilatorBuild.Ensure(Manifest.Top, VerilogPaths, MemoryPaths, StreamHarness.Generate(Design.TopModule), cancel);

    private static void CheckPorts(string file, RtlModule top, int outputWidth)
    {
        var expected = new (string Name, int Width, SignalKind Kind)[]
        {
            ("clk", 1, SignalKind.Input), ("rst", 1, SignalKind.Input),
            ("s_axis_tdata", 8, SignalKind.Input), ("s_axis_tvalid", 1, SignalKind.Input), ("s_axis_tready", 1, SignalKind.Output), ("s_axis_tlast", 1, SignalKind.Input),
            ("m_axis_tdata", outputWidth, SignalKind.Output), ("m_axis_tvalid", 1, SignalKind.Output), ("m_axis_tready", 1, SignalKind.Input),
        };
        foreach (var (name, width, kind) in expected)
        {
            var port = top.Ports.FirstOrDefault(p => p.Name == name)
                ?? throw UserError.In(file, $"the top module {top.Name} has no port {name}");
            if (port.Width != width || port.Kind != kind)
                throw UserError.In(file, $"port {name} of {top.Name} must be a {width}-bit {kind.ToString().ToLowerInvariant()}, is a {port.Width}-bit {port.Kind.ToString().ToLowerInvariant()}");
        }
        var extra = top.Ports.Where(p => expected.All(e => e.Name != p.Name)).Select(p => p.Name).ToList();
        if (extra.Count > 0) throw UserError.In(file, $"the top module {top.Name} has ports outside the contract: {string.Join(", ", extra)}");
    }
}
