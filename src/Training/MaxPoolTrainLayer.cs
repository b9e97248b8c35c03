using System.Numerics;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>
/// Max-pooling per channel, as <see cref="MaxPool2D"/> defines it (positions outside the input
/// never win; the first maximum wins a tie). The gradient goes to the winner alone. A pool has no
/// padding before its first row and column, only (with edge: ceil) past its last.
/// </summary>
public sealed class MaxPoolTrainLayer : ITrainLayer
{
    private readonly MaxPool2D _layer;
    private readonly WindowGeometry _geometry;
    private readonly int[][] _pixels;
    private float[]? _output;
    private int[]? _winners;
    private float[]? _inputGradient;

    public MaxPoolTrainLayer(int[] input, PoolStage stage)
    {
        _layer = new MaxPool2D(stage.Size, stage.Stride, stage.Edge);
        _geometry = _layer.Geometry(input);
        var map = _geometry.SourceMap();
        // per position, where each of its pixels' channel 0 is, in (ky, kx) order (a window that overhangs the edge has fewer)
        _pixels = Enumerable.Range(0, _geometry.Positions)
            .Select(p => Enumerable.Range(0, _geometry.KernelHeight * _geometry.KernelWidth).Select(k => map[(p * _geometry.Patch) + (k * _geometry.Channels)]).Where(at => at >= 0).ToArray())
            .ToArray();
        Inputs = _geometry.InputLength;
        Outputs = _geometry.Positions * _geometry.Channels;
        OutputShape = _layer.OutputShape(input);
    }

    /// <summary>
    /// Set when the Ramp before this pool is deferred to here (<see cref="ActivationTrainLayer.Deferred"/>):
    /// max over a window of max(0, x) is max(0, max over the window of x), so the pool ramps its
    /// quarter-size output instead of Ramp passing over the whole map, forward and backward. The
    /// same outputs and gradients: a window whose maximum is positive has the same (first) winner
    /// either way, and one whose maximum is not passes no gradient either way.
    /// </summary>
    internal bool RampAfter { get; set; }

    public int Inputs { get; }
    public int Outputs { get; }
    public int[] OutputShape { get; }
    public IReadOnlyList<Parameter> Parameters => [];

    public float[] Forward(float[] input, int rows, bool training)
    {
        var y = Buffers.Ensure(ref _output, rows * Outputs);
        var winners = Buffers.EnsureInts(ref _winners, rows * Outputs);
        int channels = _geometry.Channels, lanes = Vector<float>.Count;
        var laneOffsets = new Vector<int>(Enumerable.Range(0, lanes).ToArray());
        Parallel.For(0, rows, r =>
        {
            var source = input.AsSpan(r * Inputs, Inputs);
            for (int p = 0; p < _pixels.Length; p++)
            {
                // pixels in (ky, kx) order, the receptive field's; a later one replaces the best only
                // when strictly larger, so the first maximum wins
                var pixels = _pixels[p];
                int o = (r * Outputs) + (p * channels);
                int c = 0;
                for (; c <= channels - lanes; c += lanes)
                {
                    var best = new Vector<float>(source[(pixels[0] + c)..]);
                    var winner = new Vector<int>(pixels[0] + c) + laneOffsets;
                    for (int k = 1; k < pixels.Length; k++)
                    {
                        var v = new Vector<float>(source[(pixels[k] + c)..]);
                        var larger = Vector.GreaterThan(v, best);
                        best = Vector.ConditionalSelect(larger, v, best);
                        winner = Vector.ConditionalSelect(larger, new Vector<int>(pixels[k] + c) + laneOffsets, winner);
                    }
                    if (RampAfter) best = Vector.Max(best, Vector<float>.Zero); // as VectorLoops.Ramp
                    best.CopyTo(y.AsSpan(o + c));
                    winner.CopyTo(winners.AsSpan(o + c));
                }
                for (; c < channels; c++)
                {
                    int at = pixels[0] + c;
                    for (int k = 1; k < pixels.Length; k++)
                    {
                        if (source[pixels[k] + c] > source[at]) at = pixels[k] + c;
                    }
                    y[o + c] = RampAfter && !(source[at] > 0) ? 0f : source[at];
                    winners[o + c] = at;
                }
            }
        });
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var winners = _winners ?? throw new InvalidOperationException("Backward before a training Forward");
        var y = _output!;
        var dx = Buffers.Ensure(ref _inputGradient, rows * Inputs);
        // an image's gradient lands in its own rows of dx, in the same order on any thread
        Parallel.For(0, rows, r =>
        {
            dx.AsSpan(r * Inputs, Inputs).Clear();
            // a deferred Ramp passes no gradient where it cut the window's maximum to 0
            for (int o = r * Outputs; o < (r + 1) * Outputs; o++) dx[(r * Inputs) + winners[o]] += RampAfter && !(y[o] > 0) ? 0f : outputGradient[o];
        });
        return dx;
    }

    public Layer Export() => _layer;
}
