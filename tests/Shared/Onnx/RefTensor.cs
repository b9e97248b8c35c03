namespace HwFlow.Tests.Onnx;

/// <summary>
/// The reference interpreter's tensor: float64, C order, numpy broadcasting. Written for the
/// tests alone (the importer has its own constant folding), so the two check each other.
/// </summary>
public sealed class RefTensor
{
    public RefTensor(int[] shape, double[] data)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count != data.Length) throw new ArgumentException($"shape [{string.Join(",", shape)}] does not hold {data.Length} values");
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }
    public double[] Data { get; }
    public int Rank => Shape.Length;

    public static RefTensor Scalar(double v) => new([], [v]);

    public RefTensor With(int[] shape) => new(shape, Data);

    public RefTensor Map(Func<double, double> f) => new(Shape, Data.Select(f).ToArray());

    /// <summary>numpy-style elementwise f over the broadcast of a and b.</summary>
    public static RefTensor Zip(RefTensor a, RefTensor b, Func<double, double, double> f)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var shape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int x = Dim(a, d, rank), y = Dim(b, d, rank);
            if (x != y && x != 1 && y != 1) throw new InvalidOperationException($"[{string.Join(",", a.Shape)}] and [{string.Join(",", b.Shape)}] do not broadcast");
            shape[d] = Math.Max(x, y);
        }
        var sa = BroadcastStrides(a, rank);
        var sb = BroadcastStrides(b, rank);
        long count = shape.Aggregate(1L, (p, d) => p * d);
        var data = new double[count];
        var index = new int[rank];
        for (long i = 0; i < count; i++)
        {
            long ia = 0, ib = 0;
            for (int d = 0; d < rank; d++)
            {
                ia += index[d] * sa[d];
                ib += index[d] * sb[d];
            }
            data[i] = f(a.Data[ia], b.Data[ib]);
            for (int d = rank - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return new RefTensor(shape, data);
    }

    private static int Dim(RefTensor t, int d, int rank) => d < rank - t.Rank ? 1 : t.Shape[d - (rank - t.Rank)];

    /// <summary>Strides into t for an index of the broadcast rank: 0 along broadcast dimensions.</summary>
    private static long[] BroadcastStrides(RefTensor t, int rank)
    {
        var strides = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int size = Dim(t, d, rank);
            strides[d] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return strides;
    }

    /// <summary>[n, k] x [k, m].</summary>
    public static RefTensor MatMul(RefTensor a, RefTensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[0]) throw new InvalidOperationException("MatMul needs [n,k] x [k,m]");
        int n = a.Shape[0], k = a.Shape[1], m = b.Shape[1];
        var data = new double[n * m];
        Parallel.For(0, n, i =>
        {
            for (int t = 0; t < k; t++)
            {
                double av = a.Data[(i * k) + t];
                if (av == 0) continue;
                for (int j = 0; j < m; j++) data[(i * m) + j] += av * b.Data[(t * m) + j];
            }
        });
        return new RefTensor([n, m], data);
    }

    public RefTensor Transpose(int[] perm)
    {
        var shape = perm.Select(p => Shape[p]).ToArray();
        var strides = new long[Rank];
        long stride = 1;
        for (int d = Rank - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= Shape[d];
        }
        var data = new double[Data.Length];
        var index = new int[Rank];
        for (long i = 0; i < data.Length; i++)
        {
            long source = 0;
            for (int d = 0; d < Rank; d++) source += index[d] * strides[perm[d]];
            data[i] = Data[source];
            for (int d = Rank - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return new RefTensor(shape, data);
    }
}
