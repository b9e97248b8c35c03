using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Onnx;

/// <summary>The value the graph computes from its input at run time: its shape (batch first, batch 1).</summary>
internal sealed class Activation(int[] shape, string? extraInput = null)
{
    public int[] Shape { get; } = shape;

    /// <summary>The name of a second graph input this stands for (only the first input is the model's).</summary>
    public string? ExtraInput { get; } = extraInput;

    public int Features => (int)ConstTensor.Count(Shape[1..]);
}

/// <summary>The class index an ArgMax or TopK computes at the end of the graph.</summary>
internal sealed class ClassIndex;

/// <summary>
/// The HwFlow layers an ONNX graph becomes, built in order. Runs of elementwise constants
/// (Mul, Div, Add, Sub) on the activations are folded into one pending affine map y = a x + c, as
/// FINN's streamlining collects them; it becomes an Affine layer (float32, like every parameter)
/// when another layer follows, or the bias of the LinearLayer it follows.
/// </summary>
internal sealed class LayerChain(Activation input)
{
    private readonly List<Layer> _layers = [];
    private double[]? _scale;
    private double[]? _bias;

    /// <summary>The activation the next layer must read: HwFlow models are a single chain.</summary>
    public Activation Head { get; private set; } = input;

    public IReadOnlyList<Layer> Layers => _layers;

    public void Add(Layer layer, Activation output)
    {
        Flush();
        _layers.Add(layer);
        Head = output;
    }

    /// <summary>The head under another shape (Reshape, Flatten, Squeeze): the layers do not change.</summary>
    public void Reshape(Activation output) => Head = output;

    /// <summary>y = scale * x + bias after the pending map, each one value or one per feature.</summary>
    public void Affine(double[] scale, double[] bias, Activation output)
    {
        int n = Head.Features;
        _scale ??= [1];
        _bias ??= [0];
        var a = new double[new[] { _scale.Length, _bias.Length, scale.Length, bias.Length }.Max() == 1 ? 1 : n];
        var c = new double[a.Length];
        for (int j = 0; j < a.Length; j++)
        {
            a[j] = At(scale, j) * At(_scale, j);
            c[j] = (At(scale, j) * At(_bias, j)) + At(bias, j);
        }
        (_scale, _bias) = (a, c);
        Head = output;
    }

    /// <summary>Emits the pending affine map, if any.</summary>
    public void Flush()
    {
        if (_scale is null || _bias is null) return;
        var (scale, bias) = (Floats(_scale), Floats(_bias));
        _scale = _bias = null;
        bool identityScale = scale.All(v => v == 1);
        if (identityScale && bias.All(v => v == 0)) return;
        if (identityScale && _layers.Count > 0 && _layers[^1] is LinearLayer { Bias: null } linear)
        {
            var perOutput = bias.Length == 1 ? Enumerable.Repeat(bias[0], linear.Outputs).ToArray() : bias;
            _layers[^1] = linear with { Bias = new Tensor([linear.Outputs], perOutput) };
            return;
        }
        _layers.Add(new Affine(Values(scale), Values(bias)));
    }

    private static double At(double[] values, int j) => values.Length == 1 ? values[0] : values[j];

    private static float[] Floats(double[] values) => Array.ConvertAll(values, v => (float)v);

    private static FeatureValues Values(float[] values) =>
        values.All(v => v == values[0]) ? new FeatureValues([values[0]]) : new FeatureValues(values);
}
