using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// One layer of the float reference (the seed's layerEval) in double precision, its parameters
/// resolved once. <see cref="FloatEvaluator"/> makes these from a model's layers and the graph
/// executor from a layer-level graph's nodes, so both run the same operations and an imported
/// model executes bit-identically to the reference.
/// </summary>
public sealed partial class FloatLayer
{
    private readonly Func<Matrix, Matrix> _apply;

    private FloatLayer(Func<Matrix, Matrix> apply) => _apply = apply;

    public Matrix Apply(Matrix x) => _apply(x);

    /// <summary>This layer, then <paramref name="next"/> on its result.</summary>
    public FloatLayer Then(FloatLayer next) => new(x => next.Apply(Apply(x)));

    /// <summary>Dot[x, W] + bias, with W given transposed ([out, in]).</summary>
    public static FloatLayer Linear(double[] weightsTransposed, int outputs, double[]? bias) => new(x => PerSegment(x, weightsTransposed.Length / outputs, segments =>
    {
        var y = DenseProduct.Multiply(segments, weightsTransposed, outputs);
        if (bias is not null)
        {
            for (int r = 0; r < y.Rows; r++)
            {
                var row = y.Row(r);
                for (int j = 0; j < row.Length; j++) row[j] += bias[j];
            }
        }
        return y;
    }));

    /// <summary>Dot[hb(x, k), hb(W, k)], correctly rounded (<see cref="HbDot"/>), on every receptive field of a row (<see cref="PerSegment"/>).</summary>
    public static FloatLayer Bin(HbDot dot, bool unipolar) => new(x => PerSegment(x, dot.Inputs, segments => dot.Evaluate(segments, unipolar)));

    /// <summary>hb(x, k) row by row.</summary>
    public static FloatLayer Binarize(int chunk, bool unipolar, ScaleMode scales) => new(x => Binarized(x, chunk, unipolar, scales));

    /// <summary>Per feature, or per channel of a channels-last image (element j belongs to channel j mod channels).</summary>
    public static FloatLayer BatchNorm(BatchNormParameters norm) => Elementwise((v, j) => norm.Value(j % norm.Mean.Length, v));

    /// <summary>A BatchNorm followed by a bipolar Sign (the graph fuses the two).</summary>
    public static FloatLayer AffineSign(BatchNormParameters norm) => Elementwise((v, j) => norm.Value(j % norm.Mean.Length, v) >= 0 ? 1 : -1);

    public static FloatLayer Ramp { get; } = Elementwise((v, _) => v > 0 ? v : 0);

    public static FloatLayer Sigmoid { get; } = Elementwise((v, _) => 1 / (1 + Math.Exp(-v)));

    public static FloatLayer Sign(bool unipolar) => Elementwise((v, _) => Hadamard.Sign(v, unipolar));

    /// <summary>Flatten: the values stay as they are (images are stored flat, channels-last).</summary>
    public static FloatLayer Identity { get; } = new(x => x);

    public static FloatLayer HardTanh { get; } = Elementwise((v, _) => Math.Clamp(v, -1, 1));

    /// <summary>The Walsh-Hadamard transform layer (<see cref="WalshHadamardRows"/>).</summary>
    public static FloatLayer WalshHadamard(WalshHadamardRows rows) => new(rows.Apply);

    /// <summary>
    /// Applies <paramref name="f"/>, a layer on rows of <paramref name="segment"/> elements, to every
    /// consecutive segment of each row: a row of P segments (an image's P receptive fields) is read
    /// as P rows, and the P results joined again. Without segments this is f itself.
    /// </summary>
    private static Matrix PerSegment(Matrix x, int segment, Func<Matrix, Matrix> f)
    {
        if (x.Columns == segment) return f(x);
        if (segment < 1 || x.Columns % segment != 0)
            throw new ArgumentException($"rows of {x.Columns} values are not whole segments of {segment}");
        int segments = x.Columns / segment;
        var y = f(new Matrix(x.Rows * segments, segment, x.Data));
        return new Matrix(x.Rows, segments * y.Columns, y.Data);
    }

    private static Matrix Binarized(Matrix x, int chunk, bool unipolar, ScaleMode scales)
    {
        var y = new Matrix(x.Rows, x.Columns);
        for (int r = 0; r < x.Rows; r++) Hadamard.Binarize(x.Row(r), y.Row(r), chunk, unipolar, scales);
        return y;
    }

    private static FloatLayer Elementwise(Func<double, int, double> f) => new(x =>
    {
        var y = new Matrix(x.Rows, x.Columns);
        for (int r = 0; r < x.Rows; r++)
        {
            var source = x.Row(r);
            var target = y.Row(r);
            for (int j = 0; j < source.Length; j++) target[j] = f(source[j], j);
        }
        return y;
    });
}
