using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Training;

/// <summary>
/// A network being trained: the layer stack (one training layer per model layer) up to the
/// logits, plus the seed's trailing Sigmoid for HBNN, which only the saved model applies (the
/// loss is taken on the pre-Sigmoid output; Sigmoid is monotone, so argmax does not change).
/// </summary>
public sealed class TrainingNetwork
{
    /// <summary>Real input = raw byte * this, as the saved model's input.scale says.</summary>
    public const double InputScale = 1.0 / 255;

    /// <summary>Rows per chunk when evaluating a whole dataset with an MLP.</summary>
    public const int EvaluationChunk = 1000;

    private readonly float[] _byteToReal = Enumerable.Range(0, 256).Select(b => (float)(b * InputScale)).ToArray();

    public TrainingNetwork(Architecture architecture, TrainingMode mode, int binAggression, ScaleMode scales,
        IReadOnlyList<ITrainLayer> layers, bool trailingSigmoid)
    {
        Architecture = architecture;
        Mode = mode;
        BinAggression = binAggression;
        Scales = scales;
        Layers = layers;
        TrailingSigmoid = trailingSigmoid;
        Parameters = layers.SelectMany(l => l.Parameters).ToList();
        // a Ramp right before a max-pool runs inside the pool, on a quarter of the values
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            if (layers[i] is RampTrainLayer ramp && layers[i + 1] is MaxPoolTrainLayer pool)
            {
                ramp.Deferred = true;
                pool.RampAfter = true;
            }
        }
        // A convolution's im2col matrix is its widest buffer: it bounds how many images go at once.
        long widest = layers.Max(l => (long)l.Outputs);
        foreach (var conv in layers.OfType<ConvTrainLayer>()) widest = Math.Max(widest, (long)conv.Geometry.Positions * conv.Geometry.Patch);
        EvaluationRows = architecture.IsImage ? Runtime.Numerics.Batch.Rows(widest) : EvaluationChunk;
    }

    /// <summary>Rows per chunk when evaluating a whole dataset.</summary>
    public int EvaluationRows { get; }

    public Architecture Architecture { get; }
    public TrainingMode Mode { get; }
    public int BinAggression { get; }
    public ScaleMode Scales { get; }
    public IReadOnlyList<ITrainLayer> Layers { get; }
    public bool TrailingSigmoid { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public int Inputs => Architecture.Inputs;
    public int Classes => Architecture.Classes;

    /// <summary>Real-valued input rows from raw bytes (image i at bytes [i * Inputs, (i + 1) * Inputs)).</summary>
    public void ToReal(ReadOnlySpan<byte> raw, float[] target)
    {
        for (int i = 0; i < raw.Length; i++) target[i] = _byteToReal[raw[i]];
    }

    /// <summary>The logits for <paramref name="rows"/> input rows.</summary>
    public float[] Forward(float[] input, int rows, bool training) => Forward(input, rows, training, 0, Layers.Count);

    /// <summary>Runs layers [from, to) only (a range that ends between a Ramp and its max-pool leaves the Ramp to the pool).</summary>
    public float[] Forward(float[] input, int rows, bool training, int from, int to)
    {
        var x = input;
        for (int i = from; i < to; i++) x = Layers[i].Forward(x, rows, training);
        return x;
    }

    /// <summary>Back-propagates dLoss/dlogits, adding every parameter's gradient.</summary>
    public void Backward(float[] logitGradient, int rows)
    {
        var g = logitGradient;
        for (int i = Layers.Count - 1; i >= 0; i--) g = Layers[i].Backward(g, rows, needInputGradient: i > 0)!;
    }

    /// <summary>Classes predicted in evaluation mode (population statistics) for the first <paramref name="count"/> images.</summary>
    public int[] Classify(byte[] images, int count)
    {
        var result = new int[count];
        var input = new float[EvaluationRows * Inputs];
        for (int start = 0; start < count; start += EvaluationRows)
        {
            int rows = Math.Min(EvaluationRows, count - start);
            var chunk = rows == EvaluationRows ? input : new float[rows * Inputs];
            ToReal(images.AsSpan(start * Inputs, rows * Inputs), chunk);
            var logits = Forward(chunk, rows, training: false);
            for (int r = 0; r < rows; r++) result[start + r] = ArgMax.Of<float>(logits.AsSpan(r * Classes, Classes));
        }
        return result;
    }

    /// <summary>The model in format v1, with the deployed parameters and population statistics.</summary>
    public ModelSpec Export(string name)
    {
        var layers = Layers.Select(l => l.Export()).ToList();
        if (TrailingSigmoid) layers.Add(new Sigmoid());
        return new ModelSpec(name, new InputSpec([.. Architecture.InputShape], "uint8", InputScale), BinAggression, layers, OutputKind.Class, Scales);
    }
}
