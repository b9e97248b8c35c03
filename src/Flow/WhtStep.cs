using System.Diagnostics;
using System.Globalization;
using System.Text;
using HwFlow.Compiler.Estimates;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Lowering;
using HwFlow.Flow.Plots;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;

namespace HwFlow.Flow;

/// <param name="Training">The budget every run shares (epochs, batch, learning rate...).</param>
/// <param name="Seeds">Runs per network (seeds 1..N).</param>
/// <param name="TargetFps">Fold every design for this many frames/s with the fewest LUTs (null: as fast as the input stream allows).</param>
public sealed record WhtRequest(TrainingData Data, TrainingOptions Training, int Seeds, IReadOnlyList<string> Networks, double ClockMhz, double? TargetFps,
    OutputFolder Output) : IFlowRequest
{
    public const string DefaultOutput = "out/wht";

    /// <summary>Where the trained models go in the output folder, one model folder per network and seed.</summary>
    public const string ModelsFolder = "models";

    public IReadOnlyList<string> Inputs => [Data.SourcePath];
}

public sealed record WhtResult(string Folder, string Dataset, int Epochs, int Seeds, double ClockMhz, string OperatingPoint, IReadOnlyList<WhtSummary> Summaries,
    WhtVerdict? Verdict, double Seconds);

/// <summary>`hwflow experiment wht`: Walsh-Hadamard transform networks against dense HBNN/BNN MLPs (issue 16): CSVs, trained models, a plot.</summary>
internal static class WhtStep
{
    public static WhtResult Run(WhtRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var options = new WhtExperiment.Options(request.Training, request.Seeds, WhtExperiment.Select(request.Networks));
        if (options.Seeds < 1) throw new UserError($"--seeds must be at least 1, got {options.Seeds}");
        double clockMhz = request.ClockMhz;
        if (!(clockMhz > 0) || !double.IsFinite(clockMhz)) throw new UserError($"--clock-mhz must be a positive frequency, got {clockMhz}");
        FoldingGoal goal = request.TargetFps is { } fps ? new FoldingGoal.TargetFps(fps, clockMhz) : new FoldingGoal.Fastest();
        goal.Validate();
        var (train, test) = request.Data.Load(request.Training);
        OpenBlas.EnsureAvailableForTraining();
        using var staged = StagedFolder.Begin(request.Output, "experiment wht", request.Inputs);
        var watch = Stopwatch.StartNew();
        var result = WhtExperiment.Run(options, train, test, progress.Train, (model, data) =>
        {
            var (e, integer) = DesignEstimate.WithAccuracy(model, data, new CompileOptions(), goal, clockMhz);
            return new HardwareCost(e.Luts, e.Ffs, e.BramBits, e.CyclesPerFrame, e.FramesPerSecond, e.ConstantBits, integer, e.Realization);
        }, model => ModelWriter.WriteInto(model, Directory.CreateDirectory(staged.File(Path.Combine(WhtRequest.ModelsFolder, model.Name))).FullName), cancel);
        File.WriteAllText(staged.File("runs.csv"), WhtCsv.Runs(result.Runs));
        File.WriteAllText(staged.File("summary.csv"), WhtCsv.Summaries(result.Summaries));
        File.WriteAllText(staged.File("epochs.csv"), WhtCsv.Epochs(result.Epochs));
        string operatingPoint = goal is FoldingGoal.TargetFps target ? $"{target.FramesPerSecond:N0} frames/s at {clockMhz} MHz" : $"fastest folding, {clockMhz} MHz";
        WhtPlot.Save(result.Summaries, request.Data.Dataset, options.Seeds, operatingPoint, staged.File(WhtPlot.FileName));
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new WhtResult(staged.Target, request.Data.Dataset, request.Training.Epochs, options.Seeds, clockMhz, operatingPoint, result.Summaries,
            result.Verdict, watch.Elapsed.TotalSeconds);
    }
}

/// <summary>The CSV files of `hwflow experiment wht`.</summary>
internal static class WhtCsv
{
    public static string Runs(IEnumerable<WhtRun> runs)
    {
        var csv = new StringBuilder("network,seed,epochs,test_accuracy,integer_accuracy,seconds,parameters,binary_bits,deployed_bits,luts_estimate,ffs_estimate,bram_bits_estimate,cycles_per_frame,fps_estimate,realization\n");
        foreach (var r in runs)
        {
            var h = r.Hardware;
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Network},{r.Seed},{r.Epochs},{r.TestAccuracy:R},{r.IntegerAccuracy:R},{r.Seconds:F1},{r.Parameters},{r.BinaryBits},{h.DeployedBits},{h.Luts},{h.Ffs},{h.BramBits},{h.CyclesPerFrame},{h.FramesPerSecond:F0},\"{h.Realization}\"\n");
        }
        return csv.ToString();
    }

    public static string Summaries(IEnumerable<WhtSummary> summaries)
    {
        var csv = new StringBuilder("network,description,transform,seeds,mean_test_accuracy,std_test_accuracy,min_test_accuracy,max_test_accuracy,mean_integer_accuracy,parameters,binary_bits,deployed_bits,luts_estimate,bram_bits_estimate,fps_estimate\n");
        foreach (var s in summaries)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{s.Network},\"{s.Description}\",{(s.Transform ? "yes" : "no")},{s.Seeds},{s.MeanTestAccuracy:R},{s.StdTestAccuracy:R},{s.MinTestAccuracy:R},{s.MaxTestAccuracy:R},{s.MeanIntegerAccuracy:R},{s.Parameters},{s.BinaryBits},{s.DeployedBits},{s.Luts:F0},{s.BramBits:F0},{s.FramesPerSecond:F0}\n");
        }
        return csv.ToString();
    }

    public static string Epochs(IEnumerable<ComparisonPoint> points)
    {
        var csv = new StringBuilder("network,seed,epoch,loss,train_accuracy,test_accuracy,seconds\n");
        foreach (var p in points)
            csv.Append(CultureInfo.InvariantCulture, $"{p.Mode},{p.Seed},{p.Epoch},{p.Loss:R},{p.TrainAccuracy:R},{p.TestAccuracy:R},{p.Seconds:F3}\n");
        return csv.ToString();
    }
}
