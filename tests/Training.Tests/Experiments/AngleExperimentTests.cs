using HwFlow.Training.Experiments;

namespace HwFlow.Training.Tests.Experiments;

public sealed class AngleExperimentTests
{
    [Fact]
    public void SignAngleApproachesTheAndersonBergLimit()
    {
        Assert.Equal(37.0714, AngleExperiment.SignLimitDegrees, 3);
        var points = AngleExperiment.Run(new AngleExperiment.Options(MinDimension: 65536, MaxDimension: 65536, MaxChunk: 64, Trials: 8));
        var sign = points.Single(p => p.Method == "sign");
        Assert.InRange(sign.MeanDegrees, AngleExperiment.SignLimitDegrees - 0.3, AngleExperiment.SignLimitDegrees + 0.3);
    }

    [Fact]
    public void SmallerChunksPreserveTheAngleBetterAndChunkOneIsExact()
    {
        var points = AngleExperiment.Run(new AngleExperiment.Options(MinDimension: 4096, MaxDimension: 4096, MaxChunk: 64, Trials: 4));
        var hb = points.Where(p => p.Method == "hb").OrderBy(p => p.ChunkLength).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 32, 64], hb.Select(p => p.ChunkLength!.Value));
        Assert.True(hb[0].MeanDegrees < 1e-5, $"hb with k = 1 is the vector itself, got {hb[0].MeanDegrees} degrees");
        for (int i = 1; i < hb.Count; i++) Assert.True(hb[i].MeanDegrees > hb[i - 1].MeanDegrees);
        Assert.True(hb[^1].MeanDegrees < points.Single(p => p.Method == "sign").MeanDegrees);
    }

    [Fact]
    public void SameSeedSameNumbers()
    {
        var options = new AngleExperiment.Options(MaxDimension: 256, Trials: 3, Seed: 11);
        Assert.Equal(AngleExperiment.Run(options), AngleExperiment.Run(options));
    }
}
