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

/// <summary>An MLP shape such as 784-256-256-10: inputs, hidden widths, classes.</summary>
public sealed record Architecture(IReadOnlyList<int> Widths)
{
    public int Inputs => Widths[0];
    public int Classes => Widths[^1];
    public int HiddenLayers => Widths.Count - 2;

    public override string ToString() => string.Join('-', Widths);

    /// <summary>Parses "784-256-256-10" (at least one hidden layer; every width positive).</summary>
    public static Architecture Parse(string text)
    {
        var parts = text.Split('-');
        var widths = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width < 1)
                throw new UserError($"--arch '{text}': '{part}' is not a positive width (expected widths joined by '-', such as 784-256-256-10)");
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
