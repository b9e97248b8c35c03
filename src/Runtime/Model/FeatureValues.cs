using System.Globalization;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>
/// A float32 layer parameter given once for all features (a scalar, written inline in
/// model.yaml) or once per feature (a vector, written as a .npy file). Float32 like every other
/// parameter, so a model reads back exactly as it was written.
/// </summary>
public sealed class FeatureValues
{
    public FeatureValues(float[] values)
    {
        if (values.Length == 0) throw new ArgumentException("a parameter needs at least one value", nameof(values));
        Values = values;
    }

    public static FeatureValues Scalar(double value) => new([(float)value]);

    public float[] Values { get; }

    public int Length => Values.Length;

    public bool IsScalar => Values.Length == 1;

    /// <summary>True when every feature has the same value.</summary>
    public bool IsUniform => Values.All(v => v == Values[0]);

    /// <summary>The value for feature <paramref name="feature"/> (a scalar applies to every feature).</summary>
    public double this[int feature] => Values.Length == 1 ? Values[0] : Values[feature];

    public bool All(Func<double, bool> predicate) => Values.All(v => predicate(v));

    public Tensor ToTensor() => new([Values.Length], Values);

    /// <summary>The scalar as model.yaml writes it (shortest text that reads back to the same float32).</summary>
    public string InlineText => ((double)Values[0]).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The model.yaml entries: an inline number for a scalar, else nothing (the vector goes to a .npy file).</summary>
    internal IEnumerable<(string Key, string Value)> Inline(string key)
    {
        if (IsScalar) yield return (key, InlineText);
    }

    /// <summary>The tensor entries: the vector, or nothing for a scalar.</summary>
    internal IEnumerable<(string Key, Tensor Tensor)> Vector(string key)
    {
        if (!IsScalar) yield return (key, ToTensor());
    }
}
