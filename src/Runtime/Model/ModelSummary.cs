namespace HwFlow.Runtime.Model;

/// <summary>One row of the `hwflow info` layer table.</summary>
public sealed record LayerSummary(
    int Index,
    string Type,
    int Inputs,
    int Outputs,
    int? ChunkLength,
    string Binarization,
    long Parameters,
    long FloatBits,
    long BinaryBits,
    string Shapes = "");

/// <summary>Shapes, parameter counts and sizes of a model, as stored in float32 and as deployed in binary.</summary>
public sealed record ModelSummary(string Name, int Inputs, int Outputs, string Output, IReadOnlyList<LayerSummary> Layers, string InputShape = "")
{
    /// <summary>"784 inputs", or "28x28x1 image (784 inputs)" for a convolutional model.</summary>
    public string InputText => InputShape.Contains('x') ? $"{InputShape} image ({Inputs} inputs)" : $"{Inputs} inputs";

    public long Parameters => Layers.Sum(l => l.Parameters);
    public long FloatBits => Layers.Sum(l => l.FloatBits);
    public long BinaryBits => Layers.Sum(l => l.BinaryBits);
    public double CompressionRatio => BinaryBits == 0 ? 1 : (double)FloatBits / BinaryBits;

    /// <summary>
    /// Binary size counts a BinLayer weight as one bit plus one float32 scale per chunk of each
    /// output column, a LinearLayer whose weights are all +-c (a binary first layer) as one
    /// bit per weight plus c as one float32, and a WalshHadamard sign as one bit; every other parameter stays 32 bits.
    /// </summary>
    public static ModelSummary Of(ModelSpec model)
    {
        var features = model.FeatureCounts();
        var shapes = model.Shapes();
        var nonNegative = model.NonNegativeInputs();
        var rows = new List<LayerSummary>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            long parameters = layer.ParameterCount;
            long floatBits = 32 * parameters;
            long binaryBits = floatBits;
            int? chunk = null;
            string binarization = "-";
            switch (layer)
            {
                case BinLayer bin:
                    chunk = model.ChunkLength(layer);
                    long chunks = Semantics.Hadamard.ChunkCount(bin.Inputs, chunk.Value) * (long)bin.Outputs;
                    binaryBits = parameters + (32 * chunks);
                    binarization = nonNegative[i] ? "AND-popcount" : "XNOR-popcount";
                    break;
                case LinearLayer { HasBinaryWeights: true } linear:
                    binaryBits = linear.Weights.Length + 32 + (32L * (parameters - linear.Weights.Length));
                    binarization = "+-1 weights";
                    break;
                case BinConv2D conv:
                    chunk = model.ChunkLength(layer);
                    binaryBits = parameters + (32L * Semantics.Hadamard.ChunkCount(conv.Patch, chunk.Value) * conv.OutputChannels);
                    binarization = nonNegative[i] ? "AND-popcount" : "XNOR-popcount";
                    break;
                case BinarizeLayer:
                    chunk = model.ChunkLength(layer);
                    binarization = nonNegative[i] ? "hb unipolar" : "hb bipolar";
                    break;
                case Sign:
                    binarization = nonNegative[i] ? "unipolar" : "bipolar";
                    break;
                case IQuantizedLayer quantized:
                    binarization = quantized.Quantization;
                    binaryBits = quantized.DeployedBits;
                    break;
                case WalshHadamard transform:
                    // the signs are one bit each; a learned diagonal (scale, bias) stays 32 bits
                    binaryBits = floatBits - (31L * transform.Size);
                    binarization = $"transform {transform.Stages} stages";
                    break;
            }
            rows.Add(new LayerSummary(i, layer.Type, features[i], features[i + 1], chunk, binarization, parameters, floatBits, binaryBits,
                $"{ShapeText(shapes[i])} -> {ShapeText(shapes[i + 1])}"));
        }
        return new ModelSummary(model.Name, model.Input.Features, features[^1], model.Output.ToString().ToLowerInvariant(), rows, ShapeText(shapes[0]));
    }

    /// <summary>784, or 28x28x32 for an image (height x width x channels).</summary>
    private static string ShapeText(int[] shape) => string.Join("x", shape);
}
