namespace HwFlow.Runtime.Numerics;

/// <summary>A row-major batch of activations: one row per sample, in double precision.</summary>
public sealed class Matrix
{
    public Matrix(int rows, int columns, double[]? data = null)
    {
        if (rows < 0 || columns < 0) throw new ArgumentOutOfRangeException(nameof(rows));
        data ??= new double[(long)rows * columns];
        if (data.Length != (long)rows * columns) throw new ArgumentException("data length does not match rows x columns");
        Rows = rows;
        Columns = columns;
        Data = data;
    }

    public int Rows { get; }
    public int Columns { get; }
    public double[] Data { get; }

    public double this[int row, int column]
    {
        get => Data[(row * Columns) + column];
        set => Data[(row * Columns) + column] = value;
    }

    public Span<double> Row(int row) => Data.AsSpan(row * Columns, Columns);

    /// <summary>Real-valued inputs from raw bytes: real = raw * scale.</summary>
    public static Matrix FromBytes(ReadOnlySpan<byte> raw, int rows, int columns, double scale)
    {
        var matrix = new Matrix(rows, columns);
        for (int i = 0; i < matrix.Data.Length; i++) matrix.Data[i] = raw[i] * scale;
        return matrix;
    }

    /// <summary>Index of the largest entry of each row; the first wins a tie, as in argmax.</summary>
    public int[] ArgMaxPerRow()
    {
        var result = new int[Rows];
        for (int r = 0; r < Rows; r++) result[r] = ArgMax.Of<double>(Row(r));
        return result;
    }

    public float[] ToFloats() => Array.ConvertAll(Data, v => (float)v);
}
