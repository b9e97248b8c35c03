using System.Numerics;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// The BinLayer product Dot[hb(x, k), hb(W, k)], correctly rounded. Written per chunk c and
/// output j it is sum_c P_cj X_c W_cj: P_cj, the sum of s(x_i) s(W_ij) over the chunk, is an
/// exact integer (AND- or XNOR-popcount, as the hardware counts it); X_c is the chunk's exact sum
/// of |x| and W_cj the column chunk's exact sum of |W| divided by the chunk length squared (in
/// pow2 mode, the two chunk means rounded to powers of two). For the layer's double inputs and
/// float32 weights every output is the double nearest that exact value: an output that is 0 in
/// the math is 0, its sign is always right, and outputs equal in the math are equal doubles.
/// <para>
/// The fast path sums the terms in double-double with a proven error bound; when the bound cannot
/// decide the rounding (cancellation, or a value next to a rounding boundary) the output is
/// recomputed exactly with <see cref="Dyadic"/> arithmetic.
/// </para>
/// </summary>
public sealed class HbDot
{
    private const int BatchRows = 64;

    private readonly Tensor _weights;
    private readonly ChunkLayout _chunks;
    private readonly ScaleMode _scales;
    private readonly PackedWeights _signs;
    private readonly double[] _factorHi;
    private readonly double[] _factorLo;
    private readonly double _factorError;

    /// <param name="weights">W as [in, out]; each output's column is binarized along the input axis, always bipolar.</param>
    public HbDot(Tensor weights, int chunk, ScaleMode scales)
    {
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), "binAggression must be at least 1");
        _weights = weights;
        _scales = scales;
        Inputs = weights.Shape[0];
        Outputs = weights.Shape[1];
        _chunks = new ChunkLayout(Inputs, chunk);
        var transposed = new float[Outputs * Inputs];
        for (int i = 0; i < Inputs; i++)
            for (int j = 0; j < Outputs; j++) transposed[(j * Inputs) + i] = weights.Data[(i * Outputs) + j];
        _signs = PackedWeights.FromSigns(transposed, Outputs, Inputs, chunk);
        _factorHi = new double[Outputs * _chunks.Count];
        _factorLo = new double[Outputs * _chunks.Count];
        var column = new double[Inputs];
        for (int j = 0; j < Outputs; j++)
        {
            for (int i = 0; i < Inputs; i++) column[i] = transposed[(j * Inputs) + i];
            for (int c = 0; c < _chunks.Count; c++)
            {
                var part = column.AsSpan(_chunks.Start(c), _chunks.LengthOf(c));
                int at = (j * _chunks.Count) + c;
                if (scales == ScaleMode.Pow2)
                {
                    _factorHi[at] = ChunkScale.Scale(part, ScaleMode.Pow2);
                    continue;
                }
                // Sum |W| / n^2 as a double-double: the remainder of the rounded quotient is exact.
                double n2 = (double)part.Length * part.Length;
                double hi = ChunkScale.AbsSum(part, out double lo);
                double q = hi / n2;
                double remainder = Math.FusedMultiplyAdd(-q, n2, hi);
                _factorHi[at] = ErrorFree.TwoSum(q, (remainder + lo) / n2, out _factorLo[at]);
            }
        }
        _factorError = scales == ScaleMode.Pow2 ? 0 : ChunkScale.SumError(_chunks.ChunkLength) + (8 * ChunkScale.Unit * ChunkScale.Unit);
    }

    public int Inputs { get; }
    public int Outputs { get; }

    /// <summary>The outputs for every row of <paramref name="x"/>; unipolar when the input is provably non-negative.</summary>
    public Matrix Evaluate(Matrix x, bool unipolar)
    {
        if (x.Columns != Inputs) throw new ArgumentException($"the layer takes {Inputs} inputs, got rows of {x.Columns}");
        var y = new Matrix(x.Rows, Outputs);
        int batches = (x.Rows + BatchRows - 1) / BatchRows;
        Parallel.For(0, batches, b => EvaluateRows(x, b * BatchRows, Math.Min(x.Rows, (b + 1) * BatchRows), unipolar, y));
        return y;
    }

    private void EvaluateRows(Matrix x, int first, int end, bool unipolar, Matrix y)
    {
        var coding = unipolar ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;
        int rows = end - first, chunks = _chunks.Count;
        var bits = BitMatrix.FromSigns(x.Data.AsSpan(first * Inputs, rows * Inputs), rows, Inputs, coding);
        var counts = BinaryGemm.Multiply(bits, _signs, coding, new KernelOptions(Threads: 1));
        var xHi = new double[chunks];
        var xLo = new double[chunks];
        double xError = _scales == ScaleMode.Pow2 ? 0 : ChunkScale.SumError(_chunks.ChunkLength);
        // Per term: the two factors' errors, the product's and the count's roundings; per chunk, rounding the running error sum.
        double relative = (xError + _factorError + (16 * ChunkScale.Unit * ChunkScale.Unit)
            + (2.0 * chunks * (chunks + 4) * ChunkScale.Unit * ChunkScale.Unit)) * 1.1;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Row(first + r);
            for (int c = 0; c < chunks; c++)
            {
                var part = row.Slice(_chunks.Start(c), _chunks.LengthOf(c));
                xHi[c] = _scales == ScaleMode.Pow2 ? ChunkScale.Scale(part, ScaleMode.Pow2) : ChunkScale.AbsSum(part, out xLo[c]);
            }
            var target = y.Row(first + r);
            for (int j = 0; j < Outputs; j++)
            {
                var p = counts.AsSpan(((r * Outputs) + j) * chunks, chunks);
                var wHi = _factorHi.AsSpan(j * chunks, chunks);
                var wLo = _factorLo.AsSpan(j * chunks, chunks);
                double sum = 0, sumLo = 0, magnitude = 0;
                for (int c = 0; c < chunks; c++)
                {
                    if (p[c] == 0) continue;
                    double product = ErrorFree.TwoProduct(xHi[c], wHi[c], out double productLo);
                    productLo += (xHi[c] * wLo[c]) + (xLo[c] * wHi[c]);
                    double term = ErrorFree.TwoProduct(p[c], product, out double termLo);
                    termLo += p[c] * productLo;
                    sum = ErrorFree.TwoSum(sum, term, out double sumError);
                    sumLo += sumError + termLo;
                    magnitude += Math.Abs(term);
                }
                double hi = ErrorFree.TwoSum(sum, sumLo, out double lo);
                bool trusted = magnitude == 0 || (magnitude > ChunkScale.TinyMagnitude && ChunkScale.RoundsTo(hi, lo, (relative * magnitude) + double.Epsilon));
                target[j] = magnitude == 0 ? 0 : trusted ? hi : Exact(row, p, j, xHi);
            }
        }
    }

    /// <summary>The output recomputed in exact arithmetic and rounded once.</summary>
    private double Exact(ReadOnlySpan<double> row, ReadOnlySpan<int> counts, int j, double[] xScales)
    {
        int k = _chunks.ChunkLength, last = _chunks.LengthOf(_chunks.Count - 1);
        // Common denominator of the terms: 1 in pow2 mode, else the squared chunk lengths.
        BigInteger full = (BigInteger)k * k, partial = (BigInteger)last * last;
        var denominator = _scales == ScaleMode.Pow2 ? BigInteger.One : full * partial / BigInteger.GreatestCommonDivisor(full, partial);
        var numerator = Dyadic.Zero;
        var column = new double[k];
        for (int c = 0; c < _chunks.Count; c++)
        {
            if (counts[c] == 0) continue;
            int start = _chunks.Start(c), length = _chunks.LengthOf(c);
            if (_scales == ScaleMode.Pow2)
            {
                numerator += Dyadic.FromDouble(xScales[c]) * Dyadic.FromDouble(_factorHi[(j * _chunks.Count) + c]) * counts[c];
                continue;
            }
            for (int i = 0; i < length; i++) column[i] = _weights.Data[((start + i) * Outputs) + j];
            var x = ChunkScale.ExactAbsSum(row.Slice(start, length));
            var w = ChunkScale.ExactAbsSum(column.AsSpan(0, length));
            numerator += x * w * (counts[c] * (denominator / ((BigInteger)length * length)));
        }
        return numerator.RoundToDouble(denominator);
    }
}
