using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Checks the per-feature parameters of the quantized layers against the width the layer before gives.</summary>
internal static class QuantizedLayerShapes
{
    public static void Check(YamlNodes nodes, YamlNode node, Layer layer, string what, int inputs)
    {
        void Fits(FeatureValues? values, string key, int width)
        {
            if (values is not null && !values.IsScalar && values.Length != width)
                throw nodes.ErrorAt(node, $"{what}: {key} has {values.Length} values, expected one or {width} (one per feature)");
        }

        switch (layer)
        {
            case Affine affine:
                Fits(affine.Scale, "scale", inputs);
                Fits(affine.Bias, "bias", inputs);
                break;
            case Quant quant:
                Fits(quant.Scale, "scale", inputs);
                Fits(quant.ZeroPoint, "zeroPoint", inputs);
                break;
            case BipolarQuant bipolar:
                Fits(bipolar.Scale, "scale", inputs);
                break;
            case Trunc trunc:
                Fits(trunc.Scale, "scale", inputs);
                Fits(trunc.ZeroPoint, "zeroPoint", inputs);
                Fits(trunc.OutScale, "outScale", inputs);
                break;
            case MultiThreshold thresholds when thresholds.Thresholds.Shape[0] != 1 && thresholds.Thresholds.Shape[0] != inputs:
                throw nodes.ErrorAt(node, $"{what}: thresholds have {thresholds.Thresholds.Shape[0]} rows, expected 1 (shared) or {inputs} (one per feature)");
            case QuantLinear linear:
                if (linear.Weights.Rank != 2 || linear.Weights.Shape[0] < 1 || linear.Weights.Shape[1] < 1)
                    throw nodes.ErrorAt(node, $"{what}: weights have shape {linear.Weights.ShapeText}, expected a matrix [in, out]");
                if (linear.Inputs != inputs)
                    throw nodes.ErrorAt(node, $"{what}: weights {linear.Weights.ShapeText} expect {linear.Inputs} inputs, but the previous layer gives {inputs}");
                Fits(linear.Scale, "scale", linear.Outputs);
                break;
        }
    }
}
