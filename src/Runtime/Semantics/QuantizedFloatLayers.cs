using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Semantics;

/// <summary>The float reference of the layers imported QONNX / FINN models use, in double precision.</summary>
public sealed partial class FloatLayer
{
    /// <summary>The float layer of an Affine, quantizer, Clip or QuantLinear; null for other layers.</summary>
    public static FloatLayer? Quantized(Layer layer) => layer switch
    {
        Affine affine => Elementwise((v, j) => (affine.Scale[j] * v) + affine.Bias[j]),
        Clip clip => Elementwise((v, _) => v < clip.Min ? clip.Min : v > clip.Max ? clip.Max : v),
        QuantLinear linear => IntegerWeights(linear),
        _ when LevelQuantizer.Of(layer) is { } quantizer => Elementwise((v, j) => quantizer.Apply(j, v)),
        _ => null,
    };

    /// <summary>scale_j * Dot[x, W]_j: the sum first (exact while the products of small integer levels fit a double), then the scale.</summary>
    private static FloatLayer IntegerWeights(QuantLinear linear)
    {
        var weightsT = DenseProduct.Transpose(linear.Weights);
        var scale = linear.Scale;
        return new(x =>
        {
            var y = DenseProduct.Multiply(x, weightsT, linear.Outputs);
            if (scale.IsScalar && scale[0] == 1) return y;
            for (int r = 0; r < y.Rows; r++)
            {
                var row = y.Row(r);
                for (int j = 0; j < row.Length; j++) row[j] *= scale[j];
            }
            return y;
        });
    }
}
