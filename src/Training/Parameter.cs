namespace HwFlow.Training;

/// <summary>
/// A trainable tensor and its gradient. Latent weights of binarized layers are clipped to
/// [-1, 1] after every update (Courbariaux et al.): beyond that the sign never changes, so the
/// weight would only drift away from where its gradient can bring it back.
/// </summary>
public sealed class Parameter(string name, float[] value, bool clipToUnit)
{
    public string Name { get; } = name;
    public float[] Value { get; } = value;
    public float[] Gradient { get; } = new float[value.Length];
    public bool ClipToUnit { get; } = clipToUnit;
}
