using HwFlow.Runtime.Model;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>
/// A Ramp before a max-pool runs inside the pool (on the pooled values); the separate Ramp layer
/// is the definition: the same logits, input gradients and parameter gradients, bit for bit.
/// </summary>
public sealed class DeferredRampTests
{
    [Theory]
    [InlineData("12x12x2-c8k3p1-p2-c8k3p1-p2-f-16-4", "hbnn")]
    [InlineData("9x9x1-c4k3p1-p2c-f-8-3", "float")]
    public void PoolRampsAsTheRampLayerWould(string arch, string mode)
    {
        var a = Architecture.Parse(arch);
        var m = Architecture.ParseMode(mode);
        var deferred = NetworkBuilder.Build(a, m, 4, ScaleMode.Exact, 5);
        var separate = NetworkBuilder.Build(a, m, 4, ScaleMode.Exact, 5);
        int pairs = 0;
        foreach (var layer in separate.Layers)
        {
            if (layer is RampTrainLayer ramp && ramp.Deferred) { ramp.Deferred = false; pairs++; }
            if (layer is MaxPoolTrainLayer pool) pool.RampAfter = false;
        }
        Assert.True(pairs > 0);
        const int rows = 4;
        var rng = new HwFlow.Runtime.Numerics.SplitMix64(9);
        var x = new float[rows * deferred.Inputs];
        GradientCheckTests.Fill(x, rng);
        for (int i = 0; i < x.Length; i++) x[i] = Math.Abs(x[i]);
        var g = new float[rows * deferred.Classes];
        GradientCheckTests.Fill(g, rng);
        foreach (bool training in new[] { false, true })
            Assert.Equal(separate.Forward(x, rows, training), deferred.Forward(x, rows, training));
        separate.Backward(g, rows);
        deferred.Backward(g, rows);
        for (int p = 0; p < separate.Parameters.Count; p++) Assert.Equal(separate.Parameters[p].Gradient, deferred.Parameters[p].Gradient);
        Assert.Contains(deferred.Parameters[0].Gradient, v => v != 0);
    }
}
