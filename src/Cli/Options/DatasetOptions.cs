using System.CommandLine;
using HwFlow.Flow;
using HwFlow.Runtime.Data;

namespace HwFlow.Cli.Options;

/// <summary>--dataset, --split and --count, defined once for every command that reads images.</summary>
public sealed class DatasetOptions
{
    public const string DatasetDescription = "fashion-mnist, mnist, or a folder holding IDX files (train-/t10k-images-idx3-ubyte[.gz] and labels)";

    /// <param name="defaultDataset">The dataset when --dataset is not given; null makes --dataset required.</param>
    /// <param name="withSplit">Offer --split (default test) and --count.</param>
    public DatasetOptions(string? defaultDataset = null, bool withSplit = true)
    {
        Dataset = new Option<string>("--dataset") { Description = DatasetDescription, Required = defaultDataset is null };
        if (defaultDataset is not null) Dataset.DefaultValueFactory = _ => defaultDataset;
        if (withSplit)
        {
            Split = new Option<string>("--split") { Description = "train or test", DefaultValueFactory = _ => "test" };
            Count = new Option<int?>("--count") { Description = "Use only the first N images" };
        }
    }

    public Option<string> Dataset { get; }
    public Option<string>? Split { get; }
    public Option<int?>? Count { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        if (Split is not null) command.Options.Add(Split);
        if (Count is not null) command.Options.Add(Count);
    }

    public string Name(ParseResult parse) => parse.GetValue(Dataset)!;

    public DatasetChoice Read(ParseResult parse) => new(
        Name(parse),
        Split is null ? DataSplit.Test : DatasetCatalog.ParseSplit(parse.GetValue(Split)!),
        Count is null ? null : parse.GetValue(Count));
}
