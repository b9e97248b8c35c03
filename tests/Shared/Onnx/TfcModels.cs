using HwFlow.Runtime.Data;

namespace HwFlow.Tests.Onnx;

/// <summary>The Brevitas TFC models shipped in examples/qonnx-tfc, and the 10,000 MNIST digits they are checked on.</summary>
public static class TfcModels
{
    public static readonly string[] Names = ["TFC_1W1A", "TFC_1W2A", "TFC_2W2A"];

    public static string Folder => Path.Combine(RepoRoot, "examples", "qonnx-tfc");

    public static string PathOf(string name) => Path.Combine(Folder, name + ".onnx");

    private static readonly Lazy<Dataset> Digits = new(() =>
    {
        var train = DatasetCatalog.Load("mnist", DataSplit.Train);
        var test = DatasetCatalog.Load("mnist", DataSplit.Test);
        return new Dataset("mnist/all", [.. train.Images, .. test.Images], [.. train.Labels, .. test.Labels], train.Rows, train.Columns);
    });

    /// <summary>All 10,000 npm digits: the train split, then the test split.</summary>
    public static Dataset AllDigits => Digits.Value;

    /// <summary>The digits as the TFC models take them: [n, 1, 28, 28], pixels / 255 in [0, 1] (torchvision's ToTensor).</summary>
    public static RefTensor Pixels(Dataset data) =>
        new([data.Count, 1, data.Rows, data.Columns], data.Images.Select(b => b / 255.0).ToArray());

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HwFlow.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (HwFlow.sln) above " + AppContext.BaseDirectory);
    }
}
