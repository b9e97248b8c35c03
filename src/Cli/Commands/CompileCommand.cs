using HwFlow.Compiler.Hardware.Devices;

namespace HwFlow.Cli.Commands;

/// <summary>
/// `hwflow compile MODEL -o OUT`: integer lowering, folding, hardware generation, and a build
/// folder (or, with --ir-only, just the integer graph and its report).
/// </summary>
public static class CompileCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder, its model.yaml, or a QONNX / FINN-ONNX .onnx file (imported on the fly)" };
        var output = new OutputFolderOptions("Output folder");
        var irOnly = new Option<bool>("--ir-only") { Description = "Stop after integer lowering: write graph.ir and the report" };
        var dump = new Option<bool>("--dump-ir-after-each") { Description = "Also write the graph after every pass into ir-dump/" };
        var clock = ClockOption.WithDefault("Clock the frames/s targets and reports assume", 100);
        var targetFps = new Option<double?>("--target-fps") { Description = "Fold for at least this many frames/s at --clock-mhz, with the fewest LUTs" };
        var maxLuts = new Option<long?>("--max-luts") { Description = "Fold for the most frames/s within this many LUTs (estimated)" };
        var foldingFile = new Option<string?>("--folding") { Description = "YAML file with PE and SIMD per layer (overrides the optimizer; a build's folding.yaml is one)" };
        var device = new Option<string?>("--device")
        {
            Description = $"Fold for this FPGA: the fastest design estimated to fit in {Device.LutShare:P0} of its LUTs (on iCE40 also {LogicCells.Share:P0} of its logic cells) and in its block RAM, generated for its logic cell ({string.Join(", ", Device.All.Select(d => d.Name))})",
        };
        var inputWidth = new Option<int?>("--input-width")
        {
            Description = "Bits of the AXI4-Stream input s_axis_tdata: 8 (one byte a beat, the default), 16, 32, 64 or any whole number of bytes that divides the frame; "
                + "with --device, the narrowest power of two that gives the fastest fitting design",
        };
        var inputFormat = new Option<string?>("--input-format")
        {
            Description = "What a pixel is on s_axis_tdata: bytes (the default) or bits (one bit per pixel, the host applying the first layer's input threshold; "
                + "for models whose binary first layer binarizes every byte with one threshold: a beat of W bits carries W pixels)",
        };
        var lowering = new LoweringOptions();
        var report = new ReportOptions();
        var command = new Command("compile", "Compile a model to its integer graph and multiply-free hardware")
        {
            model, irOnly, dump, clock, targetFps, maxLuts, foldingFile, device, inputWidth, inputFormat,
        };
        output.AddTo(command);
        report.AddTo(command);
        lowering.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new CompileRequest(parse.GetValue(model)!, output.Read(parse))
            {
                Lowering = lowering.Read(parse),
                DumpIrAfterEach = parse.GetValue(dump),
                ClockMhz = parse.GetValue(clock),
                TargetFps = parse.GetValue(targetFps),
                MaxLuts = parse.GetValue(maxLuts),
                FoldingFile = parse.GetValue(foldingFile),
                Device = parse.GetValue(device),
                InputWidth = parse.GetValue(inputWidth),
                InputFormat = parse.GetValue(inputFormat),
            };
            var printer = report.Read(parse, request.Inputs);
            if (parse.GetValue(irOnly)) printer.Report(Steps.Lower(request, ConsoleProgress.Instance, cancel), PrintIr);
            else printer.Report(Steps.Compile(request, ConsoleProgress.Instance, cancel), PrintBuild);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintIr(LowerResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("value", "op", "type", "range");
        foreach (var v in r.Lowering.Values)
            table.AddTextRow($"%{v.Name}", v.Op, v.Type, v.Type.StartsWith("bits", StringComparison.Ordinal) ? "" : $"[{v.Min:N0}, {v.Max:N0}]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"lowered [bold]{r.Lowering.Model}[/] in {r.Seconds * 1000:F0} ms; widest value {r.Lowering.MaxWidth} bits; constants {Units.Bits(r.Lowering.ConstantBits)}");
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}: {string.Join(", ", r.Files.Take(6))}{(r.Files.Count > 6 ? ", ..." : "")}");
    }

    private static void PrintBuild(CompileResult r)
    {
        var f = r.Report.Folding;
        // with --device the resources are the RTL count (the fit line's), labelled so; otherwise the folding's parametric estimate
        var table = new Table().Border(TableBorder.Rounded).AddColumns("layer", "kind", "in -> out", "chunk", "PE", "SIMD", "cycles");
        if (f.Counted is { } cell) table.AddColumns($"{cell} (counted)", "FF (counted)", "block RAMs");
        else table.AddColumns("LUT", "FF", "BRAM bits");
        foreach (var l in f.Layers)
            table.AddTextRow(l.Name, l.Kind.ToString().ToLowerInvariant(), $"{l.Inputs} -> {l.Outputs}", l.Chunk?.ToString() ?? "-", l.Pe.ToString(), l.Simd.ToString(),
                l.Cycles.ToString("N0"), l.Luts.ToString("N0"), l.Ffs.ToString("N0"), f.Counted is null ? l.BramBits.ToString("N0") : (l.BlockRams ?? 0).ToString("N0"));
        if (f.Counted is not null)
            foreach (var s in f.OtherStages.Where(s => !s.InAnotherRow))
                table.AddTextRow(s.Name, "", "", "", "", "", s.Cycles > 0 ? s.Cycles.ToString("N0") : "", s.Luts.ToString("N0"), s.Ffs.ToString("N0"), (s.BlockRams ?? 0).ToString("N0"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Report.Model}[/]: {r.Report.CyclesPerFrame:N0} cycles/frame ({f.LimitedBy}{(f.InputWidth == 8 ? "" : $", {f.InputWidth}-bit input beats")}), {f.FramesPerSecond:N0} frames/s at {f.ClockMhz} MHz, latency {r.Report.LatencyCycles:N0} cycles ({f.LatencyMicroseconds:F2} us)");
        if (f.Counted is { } counted)
            AnsiConsole.MarkupLineInterpolated($"counted from the RTL {f.Luts:N0} {counted}, {f.Ffs:N0} FF, {f.BlockRams ?? 0} block RAMs ({Units.Bits(f.BramBits)}); the parametric estimate that guided the search: {f.ParametricLuts ?? 0:N0} LUT; compiled in {r.Seconds:F2} s");
        else AnsiConsole.MarkupLineInterpolated($"estimated {f.Luts:N0} LUT, {f.Ffs:N0} FF, {Units.Bits(f.BramBits)} block RAM; compiled in {r.Seconds:F2} s");
        if (r.Report.DeviceFit is { } fit)
            AnsiConsole.MarkupLineInterpolated($"fits {fit.Device} by the RTL count: {fit.EstimatedLuts:N0} of {fit.LutBudget:N0} budgeted LUTs ({Device.LutShare:P0} of {fit.DeviceLuts:N0}), {(fit.EstimatedCells is { } cells ? $"{cells:N0} of {fit.CellBudget:N0} budgeted logic cells ({LogicCells.Share:P0}), " : "")}{fit.BlockRams} of {fit.DeviceBlockRams} block RAMs; confirm with hwflow synth");
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}: {string.Join(", ", r.Files.Take(8))}{(r.Files.Count > 8 ? ", ..." : "")}");
    }
}
