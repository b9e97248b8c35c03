using System.Numerics;

namespace HwFlow.Runtime.Numerics;

/// <summary>y = x . W for a batch, with W given transposed ([out, in]) so each dot product is contiguous.</summary>
public static class DenseProduct
{
    public static Matrix Multiply(Matrix x, double[] weightsTransposed, int outputs)
    {
        int inputs = x.Columns;
        if (weightsTransposed.Length != (long)inputs * outputs)
            throw new ArgumentException("weights do not match the input width");
        var y = new Matrix(x.Rows, outputs);
        Parallel.For(0, x.Rows, r =>
        {
            var row = x.Data.AsSpan(r * inputs, inputs);
            var target = y.Data.AsSpan(r * outputs, outputs);
            for (int j = 0; j < outputs; j++)
                target[j] = Dot(row, weightsTransposed.AsSpan(j * inputs, inputs));
        });
        return y;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var acc = Vector<double>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
            acc += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
        double sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Weights [in, out] as the [out, in] doubles <see cref="Multiply"/> takes.</summary>
    public static double[] Transpose(Tensors.Tensor weights) =>
        RowMajor.Transpose<double>(Array.ConvertAll(weights.Data, w => (double)w), weights.Shape[0], weights.Shape[1]);
}
