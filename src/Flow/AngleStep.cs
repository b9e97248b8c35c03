using System.Globalization;
using System.Text;
using HwFlow.Flow.Plots;
using HwFlow.Runtime.IO;
using HwFlow.Training.Experiments;

namespace HwFlow.Flow;

public sealed record AngleRequest(AngleExperiment.Options Options, OutputFolder Output) : IFlowRequest
{
    public const string DefaultOutput = "out/angle";

    public IReadOnlyList<string> Inputs => [];
}

public sealed record AngleResult(string Folder, int Trials, ulong Seed, double SignLimitDegrees, int LargestDimension,
    double SignAngleAtLargest, double DistanceFromLimit, IReadOnlyList<AnglePoint> Points);

/// <summary>`hwflow experiment angle`: the seed's angle-preservation experiment, as angle.csv and angle.png.</summary>
internal static class AngleStep
{
    public static AngleResult Run(AngleRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var options = request.Options;
        using var staged = StagedFolder.Begin(request.Output, "experiment angle", request.Inputs);
        var points = progress.Track("angle experiment", AngleExperiment.Dimensions(options).Count, report => AngleExperiment.Run(options, report, cancel));
        File.WriteAllText(staged.File("angle.csv"), Csv(points));
        AnglePlot.Save(points, staged.File("angle.png"));
        cancel.ThrowIfCancellationRequested();
        staged.Commit();

        var largest = points.Where(p => p.Method == "sign").MaxBy(p => p.Dimension)!;
        return new AngleResult(staged.Target, options.Trials, options.Seed, AngleExperiment.SignLimitDegrees, largest.Dimension,
            largest.MeanDegrees, Math.Abs(largest.MeanDegrees - AngleExperiment.SignLimitDegrees), points);
    }

    private static string Csv(IReadOnlyList<AnglePoint> points)
    {
        var csv = new StringBuilder("dimension,method,bin_aggression,mean_degrees,std_degrees,trials\n");
        foreach (var p in points)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{p.Dimension},{p.Method},{p.ChunkLength?.ToString(CultureInfo.InvariantCulture) ?? ""},{p.MeanDegrees:R},{p.StdDegrees:R},{p.Trials}\n");
        }
        return csv.ToString();
    }
}
