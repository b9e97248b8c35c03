using System.Runtime.Intrinsics;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;

namespace HwFlow.Runtime.Tests.Kernels;

public sealed class ElementStepTests
{
    [Theory]
    [InlineData(8, 1, false, false)]
    [InlineData(64, 1, false, false)]
    [InlineData(128, 0, false, false)]
    [InlineData(96, 3, true, false)]
    [InlineData(64, -2, true, true)]
    [InlineData(40, 5, false, true)]
    public void PackedThresholdGivesTheBitsOfTheByteThreshold(int period, long t, bool perChannel, bool directions)
    {
        // one pixel at a time and three pixels at once, one threshold for all (the uniform path) or per channel, directions up or mixed
        var rng = new Random(period + (int)t);
        var thresholds = perChannel ? Enumerable.Range(0, period).Select(_ => (long)rng.Next(-3, 4)).ToArray() : [t];
        var attrs = new List<(string, Attr)> { ("t", perChannel ? new IntTensorAttr([period], thresholds) : new IntAttr(t)) };
        if (directions) attrs.Add(("dir", new IntTensorAttr([period], [.. Enumerable.Range(0, period).Select(j => j % 3 == 0 ? -1L : 1L)])));
        var node = new Node("bits", Ops.Threshold, ["x"], GraphType.Bits(period * 3, BitEncoding.ZeroOne), [.. attrs]);
        var step = ElementStep.For(node, period)!;
        // the engine packs straight from the threshold only where 512-bit vectors run in hardware; the
        // packed bits themselves must be right everywhere (software vectors elsewhere), so they are checked on every machine
        Assert.Equal(Vector512.IsHardwareAccelerated, step.Packs);
        Assert.Equal(!perChannel && !directions, step.Uniform);
        var x = Enumerable.Range(0, period * 3).Select(_ => (long)rng.Next(-4, 5)).ToArray();
        var bytes = new byte[x.Length];
        step.Apply(x, bytes);
        int perPixel = (period + 63) / 64;
        var words = Enumerable.Repeat(ulong.MaxValue, perPixel * 3).ToArray();
        step.ApplyPacked(x, words, perPixel);
        var single = new ulong[perPixel];
        for (int p = 0; p < 3; p++)
        {
            step.ApplyPacked(x.AsSpan(p * period, period), single, perPixel);
            Assert.Equal(words.AsSpan(p * perPixel, perPixel).ToArray(), single);
            for (int j = 0; j < period; j++) Assert.Equal(bytes[(p * period) + j] == 1, ((words[(p * perPixel) + (j / 64)] >> (j % 64)) & 1) == 1);
            for (int j = period; j < perPixel * 64; j++) Assert.Equal(0UL, (words[(p * perPixel) + (j / 64)] >> (j % 64)) & 1);
        }
    }
}
