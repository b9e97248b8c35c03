using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// A quantizer layer split into its two halves: the integer code of an input (non-decreasing in
/// the input, which is what lets the compiler turn it into thresholds) and the real value of a
/// code. The float reference computes Value(Code(x)); the integer graph carries the codes.
/// Codes are doubles holding integers (NaN for a NaN input, as the reference propagates it);
/// a bipolar quantizer's codes are 0 and 1.
/// </summary>
public abstract class LevelQuantizer
{
    public abstract double Code(int feature, double x);

    public abstract double Value(int feature, double code);

    public double Apply(int feature, double x) => Value(feature, Code(feature, x));

    /// <summary>The quantizer of a layer, or null for other layers.</summary>
    public static LevelQuantizer? Of(Layer layer) => layer switch
    {
        Quant q => new QuantLevels(q),
        BipolarQuant b => new BipolarLevels(b),
        MultiThreshold m => new ThresholdLevels(m),
        Trunc t => new TruncLevels(t),
        _ => null,
    };

    private sealed class QuantLevels(Quant q) : LevelQuantizer
    {
        public override double Code(int j, double x)
        {
            double y = (x / q.Scale[j]) + q.ZeroPoint[j];
            if (q.Bipolar) return y >= 0 ? 1 : 0;
            if (y > q.MaxLevel) y = q.MaxLevel;
            if (y < q.MinLevel) y = q.MinLevel;
            return Rounding.Apply(y, q.Rounding);
        }

        public override double Value(int j, double code) => ((q.Bipolar ? (2 * code) - 1 : code) - q.ZeroPoint[j]) * q.Scale[j];
    }

    /// <summary>Code 1 for x &gt;= 0, else 0; the value is +-scale.</summary>
    private sealed class BipolarLevels(BipolarQuant b) : LevelQuantizer
    {
        public override double Code(int j, double x) => x >= 0 ? 1 : 0;

        public override double Value(int j, double code) => ((2 * code) - 1) * b.Scale[j];
    }

    private sealed class ThresholdLevels(MultiThreshold m) : LevelQuantizer
    {
        public override double Code(int j, double x)
        {
            int count = 0;
            for (int k = 0; k < m.Steps; k++)
            {
                if (x >= m.Threshold(j, k)) count++;
            }
            return count;
        }

        public override double Value(int j, double code) => (m.OutScale * code) + m.OutBias;
    }

    private sealed class TruncLevels(Trunc t) : LevelQuantizer
    {
        public override double Code(int j, double x)
        {
            double y = Math.Round((x / t.Scale[j]) + t.ZeroPoint[j], MidpointRounding.ToEven);
            y /= TruncScale(j);
            if (t.OutScale is not null)
            {
                var (min, max) = OutRange();
                if (y > max) y = max;
                if (y < min) y = min;
            }
            return Rounding.Apply(y, t.Rounding);
        }

        public override double Value(int j, double code) => t.OutScale is { } outScale
            ? (code - (t.ZeroPoint[j] / TruncScale(j))) * outScale[j]
            : (code - t.ZeroPoint[j]) * t.Scale[j];

        /// <summary>2^(inBits - outBits) in version 1; the power of two nearest outScale / scale in version 2.</summary>
        private double TruncScale(int j) => t.OutScale is { } outScale
            ? Math.Pow(2, Math.Round(Math.Log2(outScale[j] / t.Scale[j]), MidpointRounding.ToEven))
            : Math.Pow(2, t.InBits - t.OutBits);

        private (double Min, double Max) OutRange()
        {
            var range = new Quant(t.Scale, t.ZeroPoint, t.OutBits, t.Signed, t.Narrow, t.Rounding);
            return (range.MinLevel, range.MaxLevel);
        }
    }
}
