using System.Globalization;
using Google.Protobuf;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>What `hwflow export` wrote.</summary>
public sealed record ExportResult(string Model, string File, int Nodes, long Bytes);

/// <summary>
/// Writes a model as QONNX: MatMul / BatchNormalization / Relu / Clip / Sigmoid / Mul / Add and
/// QONNX's BipolarQuant, Quant, Trunc and MultiThreshold, which FINN and hls4ml read. The ONNX
/// input takes the real values (raw * input.scale, recorded as metadata, as are the name, the
/// output kind and each BatchNorm's exact epsilon, so importing the file gives the same model).
/// HBNN's Hadamard binarization of activations cannot be written: it scales each chunk by the
/// mean |x| of that chunk at run time, and QONNX quantizers take constant scales; a BinLayer
/// is written only on +-1 inputs, with one weight scale per output.
/// </summary>
public static class OnnxExport
{
    public const string EpsilonKey = "hwflow.epsilon.";

    /// <summary>The QONNX graph of <paramref name="model"/>; a layer QONNX cannot express throws <see cref="OnnxGraphError"/>.</summary>
    public static ModelProto ToProto(ModelSpec model)
    {
        var writer = new QonnxGraphWriter(model.Name);
        writer.Metadata(OnnxMetadata.Name, model.Name);
        writer.Metadata(OnnxMetadata.InputScale, model.Input.Scale.ToString("R", CultureInfo.InvariantCulture));
        writer.Metadata(OnnxMetadata.Output, model.Output == OutputKind.Class ? "class" : "scores");
        var x = writer.Input("global_in", model.Input.Features);
        var bipolar = BipolarInputs(model);
        var nonNegative = model.NonNegativeInputs();
        for (int i = 0; i < model.Layers.Count; i++)
            x = Layer(writer, model, i, x, bipolar[i], nonNegative[i]);
        writer.Output(x, "global_out", model.OutputFeatures);
        return writer.Model;
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> (complete or not at all); never over
    /// one of the files of the model it was loaded from (<paramref name="modelPath"/>, null for a model built in memory).
    /// </summary>
    public static ExportResult ToFile(ModelSpec model, string? modelPath, string path, bool force)
    {
        var target = Path.GetFullPath(path);
        if (modelPath is not null)
        {
            var source = Path.GetFullPath(modelPath);
            var inputFolder = Directory.Exists(source) ? source : Path.GetDirectoryName(source)!;
            if (target == source || (!OnnxImport.IsOnnxPath(modelPath) && target.StartsWith(inputFolder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                throw UserError.In(path, $"this would write into the model being exported ({modelPath}); choose a file outside it");
        }
        if (Directory.Exists(target)) throw UserError.In(path, "is a folder; give the .onnx file to write");
        if (File.Exists(target) && !force) throw UserError.In(path, "exists already (use --force to replace it)");
        byte[] bytes;
        try
        {
            bytes = ToProto(model).ToByteArray();
        }
        catch (OnnxGraphError e)
        {
            throw UserError.In(modelPath ?? model.Name, e.Message);
        }
        var staging = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.partial-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(staging, bytes);
            File.Move(staging, target, overwrite: force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(staging);
            throw UserError.In(path, $"cannot write the ONNX file ({e.Message})");
        }
        return new ExportResult(model.Name, target, ModelProto.Parser.ParseFrom(bytes).Graph.Node.Count, bytes.Length);
    }

    /// <summary>Entry i: the input of layer i holds only -1 and +1 (a bipolar sign with scale 1 made it).</summary>
    private static bool[] BipolarInputs(ModelSpec model)
    {
        var nonNegative = model.NonNegativeInputs();
        var flags = new bool[model.Layers.Count + 1];
        for (int i = 0; i < model.Layers.Count; i++)
        {
            flags[i + 1] = model.Layers[i] switch
            {
                Sign => !nonNegative[i],
                BipolarQuant b => b.Scale.All(s => s == 1),
                Quant { Bipolar: true } q => q.Scale.All(s => s == 1) && q.ZeroPoint.All(z => z == 0),
                BinarizeLayer or HardTanh => flags[i],
                _ => false,
            };
        }
        return flags;
    }

    private static string Layer(QonnxGraphWriter w, ModelSpec model, int index, string x, bool bipolarInput, bool nonNegativeInput)
    {
        var layer = model.Layers[index];
        string what = $"layer {index} ({layer.Type})";
        switch (layer)
        {
            case LinearLayer linear:
            {
                var y = w.Node("MatMul", [x, w.Tensor("weights", linear.Weights)]);
                return linear.Bias is { } bias ? w.Node("Add", [y, w.Tensor("bias", bias)]) : y;
            }
            case BinLayer bin:
                return BinaryLayer(w, model, bin, x, bipolarInput, what);
            case BinarizeLayer when bipolarInput:
                return x; // hb of +-1 values is themselves: every chunk mean is 1
            case BinarizeLayer:
                throw NotExpressible(what, $"Hadamard binarization scales each chunk of {model.ChunkLength(layer)} activations by that chunk's mean |x| at run time, and QONNX quantizers take constant scales");
            case BatchNorm norm:
            {
                var y = w.Node("BatchNormalization", [x, w.Tensor("gamma", norm.Gamma), w.Tensor("beta", norm.Beta), w.Tensor("mean", norm.Mean), w.Tensor("var", norm.Var)],
                    attributes: ("epsilon", norm.Eps));
                w.Metadata(EpsilonKey + y, norm.Eps.ToString("R", CultureInfo.InvariantCulture));
                return y;
            }
            case Ramp:
                return w.Node("Relu", [x]);
            case Sigmoid:
                return w.Node("Sigmoid", [x]);
            case HardTanh:
                return w.Node("Clip", [x, w.Scalar("min", -1), w.Scalar("max", 1)]);
            case Clip clip:
                return w.Node("Clip", [x, w.Scalar("min", clip.Min), w.Scalar("max", clip.Max)]);
            case Sign when !nonNegativeInput:
                return w.Node("BipolarQuant", [x, w.Scalar("scale", 1)], domain: QonnxGraphWriter.QonnxDomain);
            case Sign:
                // unipolar: 1 if x > 0 else 0, a 1-bit unsigned Quant rounding up
                return Quant(w, x, FeatureValues.Scalar(1), FeatureValues.Scalar(0), 1, false, false, RoundingMode.Ceil);
            case Affine affine:
            {
                var y = affine.Scale.All(s => s == 1) ? x : w.Node("Mul", [x, w.Features("scale", affine.Scale)]);
                return affine.Bias.All(b => b == 0) ? y : w.Node("Add", [y, w.Features("bias", affine.Bias)]);
            }
            case Quant q:
                return Quant(w, x, q.Scale, q.ZeroPoint, q.Bits, q.Signed, q.Narrow, q.Rounding);
            case BipolarQuant b:
                return w.Node("BipolarQuant", [x, w.Features("scale", b.Scale)], domain: QonnxGraphWriter.QonnxDomain);
            case MultiThreshold m:
                return w.Node("MultiThreshold", [x, w.Tensor("thresholds", m.Thresholds)], domain: QonnxGraphWriter.QonnxDomain,
                    attributes: [("out_scale", m.OutScale), ("out_bias", m.OutBias), ("out_dtype", OutType(m))]);
            case Trunc t:
            {
                string[] operands = t.OutScale is { } outScale
                    ? [x, w.Features("scale", t.Scale), w.Features("zeropt", t.ZeroPoint), w.Scalar("in_bits", t.InBits), w.Features("out_scale", outScale), w.Scalar("out_bits", t.OutBits)]
                    : [x, w.Features("scale", t.Scale), w.Features("zeropt", t.ZeroPoint), w.Scalar("in_bits", t.InBits), w.Scalar("out_bits", t.OutBits)];
                return w.Node("Trunc", operands, domain: QonnxGraphWriter.QonnxDomain,
                    attributes: [("rounding_mode", RoundingNames.Name(t.Rounding)), ("signed", t.Signed ? 1L : 0L), ("narrow", t.Narrow ? 1L : 0L)]);
            }
            case QuantLinear linear:
                return IntegerWeights(w, linear, x);
            default:
                throw NotExpressible(what, "HwFlow has no QONNX form for this layer type");
        }
    }

    /// <summary>
    /// BinLayer = Dot[hb(x), hb(W)]: on +-1 inputs hb(x) = x, and hb(W) = sgn(W) * M_j is
    /// BipolarQuant(W, M) when each output's chunk means M are one float32 number.
    /// </summary>
    private static string BinaryLayer(QonnxGraphWriter w, ModelSpec model, BinLayer bin, string x, bool bipolarInput, string what)
    {
        if (!bipolarInput)
            throw NotExpressible(what, $"its input is not +-1, so Hadamard binarization scales each chunk of {model.ChunkLength(bin)} activations by that chunk's mean |x| at run time, and QONNX quantizers take constant scales");
        var binarized = Hadamard.BinarizeWeightsTransposed(bin.Weights, model.ChunkLength(bin), model.Scales);
        var scales = new double[bin.Outputs];
        for (int j = 0; j < bin.Outputs; j++)
        {
            var column = binarized.AsSpan(j * bin.Inputs, bin.Inputs);
            double m = Math.Abs(column[0]);
            foreach (var v in column)
            {
                if (Math.Abs(v) != m)
                    throw NotExpressible(what, $"output {j} has different weight scales in different chunks of {model.ChunkLength(bin)}, and QONNX quantizers take one scale per tensor or per output channel");
            }
            if ((float)m != m) throw NotExpressible(what, $"output {j}'s weight scale {m} is not a float32 number, so QONNX would round it");
            scales[j] = m;
        }
        var scale = scales.All(s => s == scales[0]) ? w.Scalar("scale", scales[0]) : w.Initializer("scale", [1, bin.Outputs], scales);
        var weights = w.Node("BipolarQuant", [w.Tensor("weights", bin.Weights), scale], domain: QonnxGraphWriter.QonnxDomain);
        return w.Node("MatMul", [x, weights]);
    }

    /// <summary>
    /// QuantLinear: its weights (levels * scale, float32) through a Quant (or BipolarQuant) with the
    /// layer's scale, which recovers the levels, then MatMul; the importer reads it back as this QuantLinear.
    /// </summary>
    private static string IntegerWeights(QonnxGraphWriter w, QuantLinear linear, string x)
    {
        int outputs = linear.Outputs;
        var values = new double[linear.Weights.Length];
        for (int i = 0; i < values.Length; i++) values[i] = linear.Weights.Data[i] * linear.Scale[i % outputs];
        var real = w.Initializer("weights", linear.Weights.Shape, values);
        var scale = linear.Scale.IsScalar ? w.Scalar("scale", linear.Scale[0]) : w.Initializer("scale", [1, outputs], linear.Scale.Values.Select(v => (double)v).ToArray());
        string weights;
        if (linear.BipolarWeights)
        {
            weights = w.Node("BipolarQuant", [real, scale], domain: QonnxGraphWriter.QonnxDomain);
        }
        else
        {
            bool signed = linear.MinLevel < 0;
            int bits = linear.WeightBits;
            bool narrow = signed && linear.MinLevel > -(1L << (bits - 1));
            weights = w.Node("Quant", [real, scale, w.Scalar("zeropt", 0), w.Scalar("bitwidth", bits)], domain: QonnxGraphWriter.QonnxDomain,
                attributes: [("signed", signed ? 1L : 0L), ("narrow", narrow ? 1L : 0L), ("rounding_mode", RoundingNames.Name(RoundingMode.Round))]);
        }
        return w.Node("MatMul", [x, weights]);
    }

    private static string Quant(QonnxGraphWriter w, string x, FeatureValues scale, FeatureValues zeroPoint, int bits, bool signed, bool narrow, RoundingMode rounding) =>
        w.Node("Quant", [x, w.Features("scale", scale), w.Features("zeropt", zeroPoint), w.Scalar("bitwidth", bits)], domain: QonnxGraphWriter.QonnxDomain,
            attributes: [("signed", signed ? 1L : 0L), ("narrow", narrow ? 1L : 0L), ("rounding_mode", RoundingNames.Name(rounding))]);

    /// <summary>FINN's out_dtype of a MultiThreshold: BIPOLAR, or the (U)INT type of its levels.</summary>
    private static string OutType(MultiThreshold m)
    {
        if (m.Steps == 1 && m.OutScale == 2 && m.OutBias == -1) return "BIPOLAR";
        double lo = m.OutBias, hi = m.OutBias + (m.OutScale * m.Steps);
        int bits = Numerics.BitWidth.ToHold((long)Math.Floor(Math.Min(lo, hi)), (long)Math.Ceiling(Math.Max(lo, hi)));
        return (Math.Min(lo, hi) < 0 ? "INT" : "UINT") + bits;
    }

    private static OnnxGraphError NotExpressible(string what, string why) =>
        new($"{what} cannot be written as QONNX: {why}. HwFlow exports BNN models (LinearLayer, BinLayer on +-1 inputs, BatchNorm, Sign, Ramp, HardTanh, Sigmoid) and imported QONNX / FINN layers");
}
