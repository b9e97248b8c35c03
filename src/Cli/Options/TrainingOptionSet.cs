using System.CommandLine;
using HwFlow.Flow;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Training;

namespace HwFlow.Cli.Options;

/// <summary>The training options shared by `hwflow train` and the training experiments.</summary>
public sealed class TrainingOptionSet
{
    public Option<string> Arch { get; } = new("--arch") { Description = "Layer widths: inputs-hidden...-classes", DefaultValueFactory = _ => "784-256-256-10" };
    public Option<int> BinAgg { get; } = new("--bin-agg") { Description = "binAggression: chunk length of Hadamard binarization", DefaultValueFactory = _ => 16 };
    public Option<string> Scales { get; } = new("--scales") { Description = "exact, or pow2: chunk scales rounded to powers of two (hbnn only)", DefaultValueFactory = _ => "exact" };
    public Option<int> Epochs { get; }
    public Option<int> Batch { get; } = new("--batch") { Description = "Images per mini-batch", DefaultValueFactory = _ => 100 };
    public Option<double> Lr { get; } = new("--lr") { Description = "Adam learning rate (start of the schedule)", DefaultValueFactory = _ => 0.003 };
    public Option<string> Schedule { get; } = new("--schedule") { Description = "cosine (anneal to zero at the last step) or constant", DefaultValueFactory = _ => "cosine" };
    public Option<int> Shift { get; } = new("--shift") { Description = "Augment: move each training image by up to N pixels in x and y (random per image and epoch)", DefaultValueFactory = _ => 0 };
    public Option<int?> Limit { get; } = new("--limit") { Description = "Train on the first N training images only (quick runs)" };
    public Option<int?> TestLimit { get; } = new("--test-limit") { Description = "Test on the first N test images only" };

    public TrainingOptionSet(int defaultEpochs)
    {
        Epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => defaultEpochs };
    }

    public IEnumerable<Option> All => [Arch, BinAgg, Scales, Epochs, Batch, Lr, Schedule, Shift, Limit, TestLimit];

    public TrainingOptions Read(ParseResult parse, TrainingMode mode, ulong seed, FirstLayerWeights? firstLayer = null)
    {
        var options = new TrainingOptions(
            Architecture.Parse(parse.GetValue(Arch)!),
            mode,
            parse.GetValue(BinAgg),
            ParseScales(parse.GetValue(Scales) ?? "exact"),
            parse.GetValue(Epochs),
            parse.GetValue(Batch),
            parse.GetValue(Lr),
            ParseSchedule(parse.GetValue(Schedule)!),
            seed,
            parse.GetValue(Shift),
            firstLayer);
        options.Validate();
        return options;
    }

    /// <summary>The dataset named by <paramref name="dataset"/>, cut by --limit / --test-limit.</summary>
    public TrainingData ReadData(ParseResult parse, string dataset) => new(dataset, parse.GetValue(Limit), parse.GetValue(TestLimit));

    public static ScaleMode ParseScales(string text) => text switch
    {
        "exact" => ScaleMode.Exact,
        "pow2" => ScaleMode.Pow2,
        _ => throw new UserError($"--scales '{text}': expected exact or pow2"),
    };

    public static LearningRateSchedule ParseSchedule(string text) => text switch
    {
        "cosine" => LearningRateSchedule.Cosine,
        "constant" => LearningRateSchedule.Constant,
        _ => throw new UserError($"--schedule '{text}': expected cosine or constant"),
    };
}
