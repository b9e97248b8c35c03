using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// How a quantizer's real output values sit on an integer grid: value(j, code) = Scale * (Base[j] + Step * (code - lowest)),
/// with one scale for all elements. The grid comes from the quantizer's own step (Quant's and
/// BipolarQuant's scale, MultiThreshold's outScale, halved when outBias is an odd multiple of
/// half of it, Trunc's output scale); <see cref="Error"/> is how far value and grid differ in double (normally 0).
/// </summary>
public sealed record QuantizerGrid(double Scale, long[] Base, long Step, double Error)
{
    public static QuantizerGrid Of(Layer layer, LevelQuantizer levels, int elements, long lowest, int steps, string what)
    {
        var natural = layer switch
        {
            Quant q => q.Scale,
            BipolarQuant b => b.Scale,
            Trunc t => t.OutScale ?? t.Scale,
            MultiThreshold m when m.OutScale > 0 => FeatureValues.Scalar(m.OutScale),
            MultiThreshold => throw new UserError($"{what}: outScale must be positive for integer lowering (a falling step function has no thresholds HwFlow builds)"),
            _ => throw new InvalidOperationException(layer.Type),
        };
        if (!natural.IsUniform)
            throw new UserError($"{what}: its scale differs between features; integer lowering needs one activation scale per layer (fold per-channel scales into the next layer's weights before export)");
        double scale = natural[0];
        return TryGrid(levels, elements, lowest, steps, scale) ?? TryGrid(levels, elements, lowest, steps, scale / 2)
            ?? throw new UserError($"{what}: its output values are not whole multiples of its scale {scale} (or of half of it); integer lowering needs an integer grid (check the zero point or outBias)");
    }

    private static QuantizerGrid? TryGrid(LevelQuantizer levels, int elements, long lowest, int steps, double scale)
    {
        var bases = new long[elements];
        long? step = null;
        double error = 0;
        for (int j = 0; j < elements; j++)
        {
            for (int k = 0; k <= steps; k++)
            {
                double value = levels.Value(j, lowest + k);
                double units = value / scale;
                if (Math.Abs(units - Math.Round(units)) > 1e-9 * (1 + Math.Abs(units))) return null;
                long integer = (long)Math.Round(units);
                error = Math.Max(error, Math.Abs((integer * scale) - value));
                if (k == 0) bases[j] = integer;
                else if (k == 1) step ??= integer - bases[j];
                if (k > 0 && integer != bases[j] + ((step ?? 0) * k)) return null;
            }
        }
        return new QuantizerGrid(scale, bases, step ?? 1, error);
    }
}
