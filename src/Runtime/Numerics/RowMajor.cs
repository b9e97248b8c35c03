namespace HwFlow.Runtime.Numerics;

/// <summary>Row-major arrays. Weights are stored [in, out]; the kernels want them [out, in] so each dot product reads contiguously.</summary>
public static class RowMajor
{
    /// <summary>The [columns, rows] transpose of a [rows, columns] array.</summary>
    public static T[] Transpose<T>(ReadOnlySpan<T> source, int rows, int columns)
    {
        if (source.Length != (long)rows * columns) throw new ArgumentException($"{source.Length} values are not {rows} x {columns}");
        var result = new T[source.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) result[(c * rows) + r] = source[(r * columns) + c];
        }
        return result;
    }
}
