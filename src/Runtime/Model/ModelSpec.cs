namespace HwFlow.Runtime.Model;

/// <summary>How the model's input arrives: raw bytes, and the scale that turns them into real values.</summary>
public sealed record InputSpec(int[] Shape, string Type, double Scale)
{
    public int Features => Shape.Aggregate(1, (a, b) => a * b);
}

public enum OutputKind
{
    /// <summary>The index of the largest output (argmax).</summary>
    Class,

    /// <summary>The output vector itself.</summary>
    Scores,
}

/// <summary>How Hadamard chunk scales (the chunk means) are taken.</summary>
public enum ScaleMode
{
    /// <summary>The mean itself.</summary>
    Exact,

    /// <summary>The mean rounded to the nearest power of two (in the log domain), so hardware needs shifts only.</summary>
    Pow2,
}

/// <summary>A whole model: format hwflow-model/1.</summary>
public sealed record ModelSpec(
    string Name,
    InputSpec Input,
    int BinAggression,
    IReadOnlyList<Layer> Layers,
    OutputKind Output,
    ScaleMode Scales = ScaleMode.Exact)
{
    public const string FormatTag = "hwflow-model/1";

    /// <summary>The chunk length that applies to <paramref name="layer"/>.</summary>
    public int ChunkLength(Layer layer) => layer.BinAggression ?? BinAggression;

    /// <summary>Feature counts: entry i is the input width of layer i; the last entry is the output width.</summary>
    public int[] FeatureCounts() => Shapes().Select(s => s.Aggregate(1, (a, b) => a * b)).ToArray();

    /// <summary>Shapes: entry i is the input shape of layer i ([features] or [height, width, channels]); the last entry is the output's.</summary>
    public int[][] Shapes()
    {
        var shapes = new int[Layers.Count + 1][];
        shapes[0] = [.. Input.Shape];
        for (int i = 0; i < Layers.Count; i++) shapes[i + 1] = Layers[i].OutputShape(shapes[i]);
        return shapes;
    }

    /// <summary>
    /// Entry i tells whether the input of layer i is provably non-negative, which makes its
    /// binarization unipolar. The raw input is non-negative (bytes times a positive scale).
    /// </summary>
    public bool[] NonNegativeInputs()
    {
        var flags = new bool[Layers.Count + 1];
        flags[0] = Input.Scale > 0;
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            flags[i + 1] = layer.OutputAlwaysNonNegative || (layer.PreservesNonNegative && flags[i]);
        }
        return flags;
    }

    public int OutputFeatures => FeatureCounts()[^1];
}
