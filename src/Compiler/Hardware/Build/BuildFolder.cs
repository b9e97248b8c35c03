using System.Text.Json;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Build;

/// <summary>
/// A build folder written by `hwflow compile`, checked before anything runs on it: the manifest is
/// there, of this format, with every field valid; its files exist inside the folder; and (when the
/// design is asked for) design.rtl parses and its top has exactly the AXI4-Stream ports of the
/// contract. Every problem is a one-line <see cref="UserError"/> naming the file.
/// </summary>
public sealed class BuildFolder
{
    public const string ManifestFile = "hwflow-build.json";
    public const string DesignFile = "design.rtl";
    public const string RtlFolder = "rtl";

    /// <summary>Prefix of $readmemh paths: memory files are named relative to the build folder.</summary>
    public const string MemoryPathPrefix = RtlFolder + "/";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
    public const string GraphFile = "graph.ir";

    private readonly Lazy<RtlDesign> _design;
    private readonly Lazy<Runtime.Graph.Graph> _graph;

    private BuildFolder(string path, BuildManifest manifest)
    {
        Path = path;
        Manifest = manifest;
        _design = new Lazy<RtlDesign>(LoadDesign);
        _graph = new Lazy<Runtime.Graph.Graph>(LoadGraph);
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    public BuildManifest Manifest { get; }

    /// <summary>design.rtl, parsed, checked and matched against the port contract on first use.</summary>
    public RtlDesign Design => _design.Value;

    /// <summary>graph.ir: the integer graph the hardware implements (its golden kernel), parsed on first use.</summary>
    public Runtime.Graph.Graph Graph => _graph.Value;

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public IReadOnlyList<string> VerilogPaths => [.. Manifest.VerilogFiles.Select(File)];
    public IReadOnlyList<string> MemoryPaths => [.. Manifest.MemoryFiles.Select(File)];

    public static BuildFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw UserError.In(path, "is a file; expected a build folder written by hwflow compile");
        if (!Directory.Exists(full))
            throw UserError.In(path, "no such build folder (make one with: hwflow compile MODEL -o FOLDER)");
        var manifestPath = System.IO.Path.Combine(full, ManifestFile);
        if (!System.IO.File.Exists(manifestPath))
            throw UserError.In(path, $"not a build folder: {ManifestFile} is missing (make one with: hwflow compile MODEL -o FOLDER)");
        var manifest = BuildManifestReader.Read(manifestPath);
        foreach (var file in manifest.VerilogFiles.Concat(manifest.MemoryFiles))
        {
            if (!System.IO.File.Exists(System.IO.Path.Combine(full, file)))
                throw UserError.In(manifestPath, $"names {file}, which is missing from the build folder");
        }
        return new BuildFolder(full, manifest);
    }

    /// <summary>
    /// Writes the hardware part of a build folder into <paramref name="folder"/> (a staging
    /// folder): design.rtl, rtl/*.v and rtl/*.hex, and the manifest with the file lists filled in.
    /// </summary>
    public static BuildManifest Write(string folder, RtlDesign design, BuildManifest manifest)
    {
        Directory.CreateDirectory(folder);
        RtlPrinter.WriteFile(design, System.IO.Path.Combine(folder, DesignFile));
        var files = VerilogEmitter.Write(design, System.IO.Path.Combine(folder, RtlFolder), MemoryPathPrefix);
        string Relative(string f) => MemoryPathPrefix + System.IO.Path.GetFileName(f);
        var complete = manifest with
        {
            Format = BuildManifest.CurrentFormat,
            Top = design.Top,
            VerilogFiles = [.. files.Where(f => f.EndsWith(".v", StringComparison.Ordinal)).Select(Relative)],
            MemoryFiles = [.. files.Where(f => f.EndsWith(".hex", StringComparison.Ordinal)).Select(Relative)],
        };
        System.IO.File.WriteAllText(System.IO.Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(complete, Json) + "\n");
        return complete;
    }

    /// <summary>
    /// Fails on the first missing file of design.rtl and graph.ir, in that order, before any work
    /// starts: steps that load the two side by side would otherwise report whichever failed first.
    /// </summary>
    public void RequireDesignAndGraph()
    {
        RequiredDesignPath();
        RequiredGraphPath();
    }

    private string RequiredDesignPath() => Required(DesignFile, $"{DesignFile} is missing");

    private string RequiredGraphPath() => Required(GraphFile, $"{GraphFile} (the integer graph the hardware must match) is missing");

    private string Required(string name, string missing)
    {
        string path = File(name);
        if (!System.IO.File.Exists(path)) throw UserError.In(Path, $"not a complete build folder: {missing}");
        return path;
    }

    private Runtime.Graph.Graph LoadGraph()
    {
        string graphPath = RequiredGraphPath();
        return Runtime.Graph.GraphParser.Load(graphPath);
    }

    private RtlDesign LoadDesign()
    {
        string designPath = RequiredDesignPath();
        var design = RtlParser.ReadFile(designPath);
        if (design.Top != Manifest.Top) throw UserError.In(designPath, $"the top module is {design.Top} but the manifest says {Manifest.Top}");
        CheckPorts(designPath, design.TopModule, Manifest.OutputWidth, Manifest.InputWidth);
        return design;
    }

    /// <summary>Checks a flattened top module (a cached one) against the manifest as loading design.rtl checks the parsed top.</summary>
    public void CheckFlatTop(RtlModule flatTop)
    {
        string designPath = RequiredDesignPath();
        if (flatTop.Name != Manifest.Top) throw UserError.In(designPath, $"the top module is {flatTop.Name} but the manifest says {Manifest.Top}");
        CheckPorts(designPath, flatTop, Manifest.OutputWidth, Manifest.InputWidth);
    }

    private static void CheckPorts(string file, RtlModule top, int outputWidth, int inputWidth)
    {
        var expected = new (string Name, int Width, SignalKind Kind)[]
        {
            ("clk", 1, SignalKind.Input), ("rst", 1, SignalKind.Input),
            ("s_axis_tdata", inputWidth, SignalKind.Input), ("s_axis_tvalid", 1, SignalKind.Input), ("s_axis_tready", 1, SignalKind.Output), ("s_axis_tlast", 1, SignalKind.Input),
            ("m_axis_tdata", outputWidth, SignalKind.Output), ("m_axis_tvalid", 1, SignalKind.Output), ("m_axis_tready", 1, SignalKind.Input),
        };
        foreach (var (name, width, kind) in expected)
        {
            var port = top.Ports.FirstOrDefault(p => p.Name == name)
                ?? throw UserError.In(file, $"the top module {top.Name} has no port {name}");
            if (port.Width != width || port.Kind != kind)
                throw UserError.In(file, $"port {name} of {top.Name} must be a {width}-bit {kind.ToString().ToLowerInvariant()}, is a {port.Width}-bit {port.Kind.ToString().ToLowerInvariant()}");
        }
    }
}
