using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// The float reference of a WalshHadamard layer, row by row in double:
/// y = scale * (2^-shift * H (signs * pad(x))) + bias. The transform adds and subtracts in the
/// stage order of <see cref="WalshHadamardTransform"/>; the power-of-two normalization is exact;
/// scale and bias round once each.
/// </summary>
public sealed class WalshHadamardRows(int size, double[] signs, int shift, double[]? scale, double[]? bias)
{
    public Matrix Apply(Matrix x)
    {
        if (x.Columns > size) throw new ArgumentException($"{x.Columns} inputs do not fit a transform of size {size}");
        var y = new Matrix(x.Rows, size);
        double normalization = Math.ScaleB(1.0, -shift);
        for (int r = 0; r < x.Rows; r++)
        {
            var source = x.Row(r);
            var target = y.Row(r);
            for (int i = 0; i < source.Length; i++) target[i] = signs[i] * source[i];
            WalshHadamardTransform.Transform(target);
            for (int i = 0; i < size; i++)
            {
                double v = target[i] * normalization;
                if (scale is not null) v *= scale[i];
                if (bias is not null) v += bias[i];
                target[i] = v;
            }
        }
        return y;
    }
}
