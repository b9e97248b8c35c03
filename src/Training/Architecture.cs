using System.Globalization;
using HwFlow.Runtime.Errors;

namespace HwFlow.Training;

/// <summary>What a training run binarizes.</summary>
public enum TrainingMode
{
    /// <summary>The seed's HBNN: Hadamard binarization (chunk means) of activations and weights.</summary>
    Hbnn,

    /// <summary>Courbariaux et al.'s BNN: sign binarization of weights and activations.</summary>
    Bnn,

    /// <summary>The same architecture without binarization: the baseline.</summary>
    Float,
}

/// <summary>
/// A network shape: an MLP such as 784-256-256-10 (inputs, hidden widths, classes), or an image
/// network such as 28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10 (see <see cref="ImageArchitecture"/>).
/// </summary>
public sealed record Architecture
{
    private readonly string _text;

    /// <summary>An MLP: inputs, hidden widths, classes.</summary>
    public Architecture(IReadOnlyList<int> widths)
        : this([widths[0]], widths.Skip(1).Select(w => (ArchitectureStage)new DenseStage(w)).ToList(), string.Join('-', widths))
    {
    }

    internal Architecture(IReadOnlyList<int> inputShape, IReadOnlyList<ArchitectureStage> stages, string text)
    {
        InputShape = inputShape;
        Stages = stages;
        _text = text;
    }

    /// <summary>[features], or [height, width, channels] for an image network.</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The stages after the input, in order; the last is the class layer.</summary>
    public IReadOnlyList<ArchitectureStage> Stages { get; }

    /// <summary>Whether the network starts with convolutions on an image.</summary>
    public bool IsImage => InputShape.Count == 3;

    /// <summary>For an MLP: inputs, then every dense width (the last is the classes).</summary>
    public IReadOnlyList<int> Widths => [Inputs, .. Stages.OfType<DenseStage>().Select(d => d.Width)];

    public int Inputs => InputShape.Aggregate(1, (a, b) => a * b);
    public int Classes => ((DenseStage)Stages[^1]).Width;
    public int HiddenLayers => Stages.OfType<DenseStage>().Count() - 1;

    public override string ToString() => _text;

    /// <summary>Parses "784-256-256-10" (at least one hidden layer; every width positive) or an image network ("28x28x1-c32k3p1-...").</summary>
    public static Architecture Parse(string text)
    {
        var parts = text.Split('-');
        if (parts[0].Contains('x')) return ImageArchitecture.Parse(text);
        var widths = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width < 1)
                throw new UserError($"--arch '{text}': '{part}' is not a positive width (expected widths joined by '-', such as 784-256-256-10, or an image network such as 28x28x1-c32k3p1-p2-f-10)");
            widths.Add(width);
        }
        if (widths.Count < 3)
            throw new UserError($"--arch '{text}': expected inputs, at least one hidden width and the classes, such as 784-256-256-10");
        return new Architecture(widths);
    }

    public static TrainingMode ParseMode(string text) => text switch
    {
        "hbnn" => TrainingMode.Hbnn,
        "bnn" => TrainingMode.Bnn,
        "float" => TrainingMode.Float,
        _ => throw new UserError($"--mode '{text}': unknown mode (expected hbnn, bnn or float)"),
    };

    public static string ModeName(TrainingMode mode) => mode.ToString().ToLowerInvariant();
}
