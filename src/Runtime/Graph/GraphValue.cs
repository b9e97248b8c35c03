namespace HwFlow.Runtime.Graph;

/// <summary>The value of one graph node for a batch: Rows samples of Length elements each, row-major.</summary>
public abstract class GraphValue(int rows, int length)
{
    public int Rows { get; } = rows;
    public int Length { get; } = length;

    /// <summary>Element (row, i) as the real number it stands for.</summary>
    public abstract double RealAt(int row, int i);
}

public sealed class RealValue(int rows, int length, double[] data) : GraphValue(rows, length)
{
    public double[] Data { get; } = data;
    public override double RealAt(int row, int i) => Data[(row * Length) + i];
    public Span<double> Row(int row) => Data.AsSpan(row * Length, Length);
}

public sealed class IntValue(int rows, int length, long[] data, double scale) : GraphValue(rows, length)
{
    public long[] Data { get; } = data;
    public double Scale { get; } = scale;
    public override double RealAt(int row, int i) => Data[(row * Length) + i] * Scale;
    public Span<long> Row(int row) => Data.AsSpan(row * Length, Length);
}

/// <summary>Bits stored one per byte; <see cref="Encoding"/> says whether bit 0 means 0 or -1.</summary>
public sealed class BitsValue(int rows, int length, byte[] data, BitEncoding encoding) : GraphValue(rows, length)
{
    public byte[] Data { get; } = data;
    public BitEncoding Encoding { get; } = encoding;
    public int Signed(int row, int i) => Encoding == BitEncoding.ZeroOne ? Data[(row * Length) + i] : (2 * Data[(row * Length) + i]) - 1;
    public override double RealAt(int row, int i) => Signed(row, i);
    public Span<byte> Row(int row) => Data.AsSpan(row * Length, Length);
}
