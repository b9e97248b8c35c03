using HwFlow.Flow.Plots;
using HwFlow.Training;
using HwFlow.Training.Experiments;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment wht`: Walsh-Hadamard transform networks against dense HBNN/BNN MLPs (issue 16).</summary>
public static class WhtCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, mnist, or an IDX folder", DefaultValueFactory = _ => "fashion-mnist" };
        var seeds = new Option<int>("--seeds") { Description = "Runs per network (seeds 1..N)", DefaultValueFactory = _ => 3 };
        var networks = new Option<string[]>("--networks")
        {
            Description = $"Networks to train (repeat the option; default all: {string.Join(", ", WhtExperiment.DefaultNetworks.Select(n => n.Name))})",
            AllowMultipleArgumentsPerToken = true,
        };
        var clock = new Option<double>("--clock-mhz") { Description = "Clock of the frames/s estimates", DefaultValueFactory = _ => 100 };
        var targetFps = new Option<double?>("--target-fps") { Description = "Fold every design for this many frames/s with the fewest LUTs (default: as fast as the input stream allows)" };
        var output = new OutputFolderOptions("Output folder", WhtRequest.DefaultOutput);
        var report = new ReportOptions();
        var training = new TrainingOptionSet(defaultEpochs: 20);
        var command = new Command("wht", "Walsh-Hadamard transform networks vs dense HBNN/BNN MLPs: accuracy, bits, estimated LUTs and frames/s")
        {
            dataset, seeds, networks, clock, targetFps,
        };
        output.AddTo(command);
        report.AddTo(command);
        foreach (var option in new Option[] { training.BinAgg, training.Epochs, training.Batch, training.Lr, training.Schedule, training.Limit, training.TestLimit })
            command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new WhtRequest(training.ReadData(parse, parse.GetValue(dataset)!), training.Read(parse, TrainingMode.Hbnn, 1), parse.GetValue(seeds),
                parse.GetValue(networks) ?? [], parse.GetValue(clock), parse.GetValue(targetFps), output.Read(parse));
            report.Read(parse, request.Inputs).Report(Steps.WhtExperiment(request, ConsoleProgress.Instance, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(WhtResult r)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("network", "layers", "test (mean)", "std", "integer", "parameters", "deployed bits", "LUT (est.)", "BRAM bits (est.)", "frames/s (est.)");
        foreach (var s in r.Summaries)
        {
            table.AddRow(s.Network, s.Description, Units.Percent(s.MeanTestAccuracy), Units.Percent(s.StdTestAccuracy), Units.Percent(s.MeanIntegerAccuracy),
                s.Parameters.ToString("N0"), s.DeployedBits.ToString("N0"), s.Luts.ToString("N0"), s.BramBits.ToString("N0"), s.FramesPerSecond.ToString("N0"));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{r.Dataset}, {r.Epochs} epochs, mean of {r.Seeds} seeds; LUTs, block RAM and frames/s ({r.OperatingPoint}) are resource-model estimates, not synthesis");
        if (r.Verdict is { } v)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"best transform network {v.Best}: {Units.Percent(v.BestAccuracy)} vs dense {v.Reference} {Units.Percent(v.ReferenceAccuracy)} ({Math.Abs(v.AccuracyGapPoints):F2} points {(v.AccuracyGapPoints > 0 ? "below" : "above")} it), {100 * v.LutRatio:F1}% of its LUTs, {100 * v.DeployedBitsRatio:F1}% of its deployed bits");
            AnsiConsole.MarkupLineInterpolated(
                $"near-dense accuracy (within {WhtVerdict.NearPoints} point): {(v.NearDense ? "holds" : "does not hold")}; a fraction of the hardware (at most {100 * WhtVerdict.FractionOfLuts:F0}% of the LUTs): {(v.FractionOfHardware ? "holds" : "does not hold")}");
        }
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/runs.csv, summary.csv, epochs.csv, {WhtPlot.FileName} and the trained models in {WhtRequest.ModelsFolder}/ ({r.Seconds:F0} s)");
    }
}
