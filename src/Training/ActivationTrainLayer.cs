namespace HwFlow.Training;

/// <summary>
/// A parameter-free layer that maps each row of <c>features</c> values to as many: the buffers, the
/// saved input and the order of Forward and Backward live here, the arithmetic in the subclass.
/// </summary>
public abstract class ActivationTrainLayer(int features) : ITrainLayer
{
    private float[]? _output;
    private float[]? _input;
    private float[]? _inputGradient;

    public int Inputs => features;
    public int Outputs => features;
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>
    /// Set when the next layer applies this activation itself (a Ramp before a max-pool,
    /// <see cref="MaxPoolTrainLayer.RampAfter"/>): Forward and Backward then pass their values through.
    /// </summary>
    internal bool Deferred { get; set; }

    public float[] Forward(float[] input, int rows, bool training)
    {
        if (Deferred) return input;
        var y = Buffers.Ensure(ref _output, rows * features);
        Apply(input, y, rows);
        if (training) _input = input;
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        if (Deferred) return outputGradient;
        var x = _input ?? throw new InvalidOperationException("Backward before a training Forward");
        var dx = Buffers.Ensure(ref _inputGradient, rows * features);
        Gradient(x, _output!, outputGradient, dx, rows);
        return dx;
    }

    public abstract Runtime.Model.Layer Export();

    /// <summary>y from x, for <paramref name="rows"/> rows.</summary>
    protected abstract void Apply(float[] x, float[] y, int rows);

    /// <summary>dx from dy, given the input x and output y of the last training Forward.</summary>
    protected abstract void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows);
}
