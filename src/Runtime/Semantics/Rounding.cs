using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Semantics;

/// <summary>The rounding modes of QONNX's Quant and Trunc, in double precision, as its reference defines them (numpy).</summary>
public static class Rounding
{
    public static double Apply(double v, RoundingMode mode) => mode switch
    {
        RoundingMode.Round => Math.Round(v, MidpointRounding.ToEven),
        RoundingMode.Ceil => Math.Ceiling(v),
        RoundingMode.Floor => Math.Floor(v),
        RoundingMode.Up => Sign(v) * Math.Ceiling(Math.Abs(v)),
        RoundingMode.Down => Math.Truncate(v),
        // written as QONNX writes them: sign(x) * floor(|x| + 0.5), sign(x) * ceil(|x| - 0.5)
        RoundingMode.HalfUp => Sign(v) * Math.Floor(Math.Abs(v) + 0.5),
        RoundingMode.HalfDown => Sign(v) * Math.Ceiling(Math.Abs(v) - 0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>numpy's sign: -1, 0 or 1, and NaN for NaN.</summary>
    private static double Sign(double v) => v > 0 ? 1 : v < 0 ? -1 : v;
}
