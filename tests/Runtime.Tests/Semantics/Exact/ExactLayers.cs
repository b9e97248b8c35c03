using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Tests.Semantics.Exact;

/// <summary>
/// The seed's layerEval in exact rational arithmetic, written the way the seed writes it: hb
/// element by element (sign times chunk mean), then Dot. Only the layers whose math is rational
/// (not BatchNorm's square root or Sigmoid's exponential).
/// </summary>
public static class ExactLayers
{
    public static BigRational[] FromDoubles(ReadOnlySpan<double> values)
    {
        var result = new BigRational[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = BigRational.FromDouble(values[i]);
        return result;
    }

    /// <summary>The exact input of a model: raw byte times the (double) input scale.</summary>
    public static BigRational[] Input(ReadOnlySpan<byte> raw, double scale)
    {
        var s = BigRational.FromDouble(scale);
        var result = new BigRational[raw.Length];
        for (int i = 0; i < raw.Length; i++) result[i] = raw[i] * s;
        return result;
    }

    public static BigRational SignOf(BigRational v, bool unipolar) => unipolar ? (v.Sign > 0 ? 1 : 0) : (v.Sign >= 0 ? 1 : -1);

    /// <summary>The nearest power of two to a positive value in the log domain.</summary>
    public static BigRational RoundToPowerOfTwo(BigRational mean)
    {
        if (mean.Sign == 0) return BigRational.Zero;
        int e = mean.FloorLog2();
        // mean / 2^e < sqrt(2)  <=>  mean^2 < 2^(2e + 1)
        return mean * mean < BigRational.PowerOfTwo((2 * e) + 1) ? BigRational.PowerOfTwo(e) : BigRational.PowerOfTwo(e + 1);
    }

    public static BigRational[] Hb(IReadOnlyList<BigRational> v, int chunk, bool unipolar, ScaleMode scales)
    {
        var result = new BigRational[v.Count];
        for (int start = 0; start < v.Count; start += chunk)
        {
            int length = Math.Min(chunk, v.Count - start);
            var sum = BigRational.Zero;
            for (int i = start; i < start + length; i++) sum += v[i].Abs();
            var mean = sum / length;
            if (scales == ScaleMode.Pow2) mean = RoundToPowerOfTwo(mean);
            for (int i = start; i < start + length; i++) result[i] = SignOf(v[i], unipolar) * mean;
        }
        return result;
    }

    /// <summary>layerEval of one row; null for a layer whose math is not rational.</summary>
    public static BigRational[]? Evaluate(ModelSpec model, int index, BigRational[] x, bool unipolar)
    {
        var layer = model.Layers[index];
        int chunk = model.ChunkLength(layer);
        switch (layer)
        {
            case LinearLayer linear:
            {
                var y = new BigRational[linear.Outputs];
                for (int j = 0; j < linear.Outputs; j++)
                {
                    var sum = linear.Bias is { } bias ? BigRational.FromDouble(bias.Data[j]) : BigRational.Zero;
                    for (int i = 0; i < linear.Inputs; i++)
                        if (x[i].Sign != 0) sum += x[i] * BigRational.FromDouble(linear.Weights.Data[(i * linear.Outputs) + j]);
                    y[j] = sum;
                }
                return y;
            }
            case BinLayer bin:
            {
                var hbX = Hb(x, chunk, unipolar, model.Scales);
                var y = new BigRational[bin.Outputs];
                var column = new BigRational[bin.Inputs];
                for (int j = 0; j < bin.Outputs; j++)
                {
                    for (int i = 0; i < bin.Inputs; i++) column[i] = BigRational.FromDouble(bin.Weights.Data[(i * bin.Outputs) + j]);
                    var hbW = Hb(column, chunk, unipolar: false, model.Scales);
                    var sum = BigRational.Zero;
                    for (int i = 0; i < bin.Inputs; i++) sum += hbX[i] * hbW[i];
                    y[j] = sum;
                }
                return y;
            }
            case BinarizeLayer:
                return Hb(x, chunk, unipolar, model.Scales);
            case Ramp:
                return [.. x.Select(v => v.Sign > 0 ? v : BigRational.Zero)];
            case Sign:
                return [.. x.Select(v => SignOf(v, unipolar))];
            case HardTanh:
                return [.. x.Select(v => v > 1 ? 1 : v < -1 ? -1 : v)];
            default:
                return null;
        }
    }
}
