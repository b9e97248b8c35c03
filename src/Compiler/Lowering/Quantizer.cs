namespace HwFlow.Compiler.Lowering;

/// <summary>Symmetric per-tensor quantization of real constants to signed integers.</summary>
public static class Quantizer
{
    /// <summary>
    /// Integers q and a step s with q * s close to each value: |q| &lt;= 2^(bits-1) - 1, s = max|v| / that.
    /// Values that are all +-c (binary weights) come out exactly as +-1 with step c.
    /// </summary>
    public static (long[] Values, double Step) Symmetric(IReadOnlyList<double> values, int bits)
    {
        double max = values.Count == 0 ? 0 : values.Max(Math.Abs);
        if (max == 0) return (new long[values.Count], 1);
        if (values.All(v => Math.Abs(v) == max)) return (values.Select(v => v >= 0 ? 1L : -1L).ToArray(), max);
        double step = max / ((1L << (bits - 1)) - 1);
        return (values.Select(v => (long)Math.Round(v / step, MidpointRounding.ToEven)).ToArray(), step);
    }

    public static long Round(double value) => (long)Math.Round(value, MidpointRounding.ToEven);
}
