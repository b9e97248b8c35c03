using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;

namespace HwFlow.Flow;

/// <summary>Which images a step reads: fashion-mnist, mnist or an IDX folder, its split, and optionally only the first <see cref="Count"/>.</summary>
public sealed record DatasetChoice(string Name, DataSplit Split = DataSplit.Test, int? Count = null)
{
    /// <summary>The folder or tarball the images come from.</summary>
    public string SourcePath => DatasetCatalog.SourcePath(Name);

    public Dataset Load()
    {
        if (Count is < 1) throw new UserError($"--count must be at least 1, got {Count}");
        return DatasetCatalog.Load(Name, Split, Count);
    }
}
