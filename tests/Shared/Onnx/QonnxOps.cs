namespace HwFlow.Tests.Onnx;

/// <summary>
/// QONNX's Quant (IntQuant), BipolarQuant and Trunc and FINN's MultiThreshold for the reference
/// interpreter, from docs/qonnx-custom-ops and the MultiThreshold definition: numpy broadcasting
/// of scale, zero point and bit width; 1-bit signed Quant is bipolar, as QONNX executes it.
/// </summary>
public static class QonnxOps
{
    /// <summary>Receives, for each of <c>count</c> elements, its distance to the nearest decision boundary relative to 1 + |value|.</summary>
    public delegate void MarginSink(int count, Func<int, double> relativeDistance);

    public static RefTensor Quant(RefTensor x, RefTensor scale, RefTensor zeroPoint, RefTensor bits, bool signed, bool narrow, string rounding, MarginSink margins)
    {
        double b = bits.Data.Single();
        double min = signed ? -Math.Pow(2, b - 1) + (narrow ? 1 : 0) : 0;
        double max = signed ? Math.Pow(2, b - 1) - 1 : Math.Pow(2, b) - 1 - (narrow ? 1 : 0);
        var y = RefTensor.Zip(RefTensor.Zip(x, scale, (v, s) => v / s), zeroPoint, (v, z) => v + z);
        bool bipolar = b == 1 && signed;
        bool halves = rounding.ToUpperInvariant() is "ROUND" or "HALF_EVEN" or "HALF_UP" or "HALF_DOWN";
        margins(y.Data.Length, i => (bipolar ? Math.Abs(y.Data[i]) : Distance(y.Data[i], min, max, halves)) / (1 + Math.Abs(y.Data[i])));
        var q = y.Map(v => bipolar ? (v >= 0 ? 1 : -1) : Round(Math.Min(Math.Max(v, min), max), rounding));
        return RefTensor.Zip(RefTensor.Zip(q, zeroPoint, (v, z) => v - z), scale, (v, s) => v * s);
    }

    public static RefTensor BipolarQuant(RefTensor x, RefTensor scale) =>
        RefTensor.Zip(x.Map(v => v >= 0 ? 1 : -1), scale, (v, s) => v * s);

    /// <summary>Version 1 (five inputs) or 2 (six: out_scale before out_bitwidth, clamped to the output range).</summary>
    public static RefTensor Trunc(RefTensor?[] inputs, bool signed, bool narrow, string rounding)
    {
        var (x, scale, zeroPoint) = (inputs[0]!, inputs[1]!, inputs[2]!);
        bool v2 = inputs.Length >= 6;
        var y = RefTensor.Zip(RefTensor.Zip(x, scale, (v, s) => v / s), zeroPoint, (v, z) => Math.Round(v + z, MidpointRounding.ToEven));
        if (!v2)
        {
            double shift = Math.Pow(2, inputs[3]!.Data[0] - inputs[4]!.Data[0]);
            var q = y.Map(v => Round(v / shift, rounding));
            return RefTensor.Zip(RefTensor.Zip(q, zeroPoint, (v, z) => v - z), scale, (v, s) => v * s);
        }
        var outScale = inputs[4]!;
        double outBits = inputs[5]!.Data[0];
        double min = signed ? -Math.Pow(2, outBits - 1) + (narrow ? 1 : 0) : 0;
        double max = signed ? Math.Pow(2, outBits - 1) - 1 : Math.Pow(2, outBits) - 1 - (narrow ? 1 : 0);
        var truncScale = RefTensor.Zip(outScale, scale, (o, s) => Math.Pow(2, Math.Round(Math.Log2(o / s), MidpointRounding.ToEven)));
        var clamped = RefTensor.Zip(y, truncScale, (v, t) => Math.Min(Math.Max(v / t, min), max)).Map(v => Round(v, rounding));
        var outZero = RefTensor.Zip(zeroPoint, truncScale, (z, t) => z / t);
        return RefTensor.Zip(RefTensor.Zip(clamped, outZero, (v, z) => v - z), outScale, (v, s) => v * s);
    }

    /// <summary>out_scale * (number of thresholds t of the element's channel with x &gt;= t) + out_bias.</summary>
    public static RefTensor MultiThreshold(RefTensor x, RefTensor thresholds, double outScale, double outBias, string layout, MarginSink margins)
    {
        int channels = thresholds.Shape[0], steps = thresholds.Shape[1];
        int axis = layout.EndsWith('C') ? x.Rank - 1 : 1;
        int inner = x.Shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        int size = x.Shape[axis];
        var data = new double[x.Data.Length];
        var distances = new double[x.Data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            int c = channels == 1 ? 0 : i / inner % size;
            int count = 0;
            double nearest = double.PositiveInfinity;
            for (int k = 0; k < steps; k++)
            {
                double t = thresholds.Data[(c * steps) + k];
                if (x.Data[i] >= t) count++;
                nearest = Math.Min(nearest, Math.Abs(x.Data[i] - t));
            }
            data[i] = (outScale * count) + outBias;
            distances[i] = nearest;
        }
        margins(data.Length, i => distances[i] / (1 + Math.Abs(x.Data[i])));
        return new RefTensor(x.Shape, data);
    }

    /// <summary>The rounding modes of the QONNX docs' table.</summary>
    public static double Round(double v, string mode) => mode.ToUpperInvariant() switch
    {
        "ROUND" or "HALF_EVEN" => Math.Round(v, MidpointRounding.ToEven),
        "CEIL" => Math.Ceiling(v),
        "FLOOR" => Math.Floor(v),
        "UP" => v > 0 ? Math.Ceiling(v) : Math.Floor(v),
        "DOWN" => v > 0 ? Math.Floor(v) : Math.Ceiling(v),
        "HALF_UP" => Math.Round(v, MidpointRounding.AwayFromZero),
        "HALF_DOWN" => Math.CopySign(Math.Abs(v) - Math.Floor(Math.Abs(v)) > 0.5 ? Math.Floor(Math.Abs(v)) + 1 : Math.Floor(Math.Abs(v)), v),
        _ => throw new NotSupportedException($"rounding mode {mode}"),
    };

    /// <summary>Distance of y to the nearest value where the quantized level changes: half-integers (or integers) inside [min, max].</summary>
    private static double Distance(double y, double min, double max, bool halves)
    {
        double offset = halves ? 0.5 : 0;
        double nearest = Math.Floor(y - offset) + offset;
        double best = double.PositiveInfinity;
        foreach (var b in new[] { nearest, nearest + 1 })
        {
            if (b >= min - 1 + offset && b <= max - offset + (halves ? 0 : 1)) best = Math.Min(best, Math.Abs(y - b));
        }
        return best;
    }
}
