using System.Runtime.Intrinsics;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A dense layer's weights as [input, output] rows padded to whole vectors, for adding x * row to
/// an accumulator of outputs; in 32-bit lanes when |bias| + sum |w| max|x| fits (twice the outputs
/// per vector of the 64-bit form), as 16-bit input pairs (<see cref="PairDenseWeights"/>) when inputs and
/// weights also fit 16 bits, else in 64-bit lanes.
/// </summary>
internal abstract class DenseWeights
{
    public static DenseWeights For(Node dense, GraphType input, bool pairs)
    {
        bool narrow = Fits32(dense, input);
        return !narrow ? new DenseWeights<long>(dense) : pairs && PairDenseWeights.Fits(dense, input) ? new PairDenseWeights(dense) : new DenseWeights<int>(dense);
    }

    /// <summary>Whether |bias| + sum |w| max|x| fits 31 bits for every output: then no partial sum overflows 32 bits.</summary>
    public static bool Fits32(Node dense, GraphType input)
    {
        var weights = dense.IntTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        long largest = Math.Max(Math.Abs(input.Min), Math.Abs(input.Max));
        return largest <= int.MaxValue && Enumerable.Range(0, outputs).All(j =>
        {
            double bound = Math.Abs((double)dense.IntElement("bias", j));
            for (int i = 0; i < inputs; i++) bound += Math.Abs((double)weights[i, j]) * largest;
            return bound <= int.MaxValue;
        });
    }

    public abstract int Width { get; }

    /// <summary>Outputs of one position: bias + sum over the taps' pixels (padding adds nothing) of x * row, into <paramref name="target"/>.</summary>
    public abstract void Position(ReadOnlySpan<long> x, ReadOnlySpan<int> tapPixels, int padding, int channels, Span<long> target);
}

internal sealed class DenseWeights<T> : DenseWeights
    where T : unmanaged, System.Numerics.IBinaryInteger<T>
{
    private readonly T[] _rows;
    private readonly T[] _bias;

    public DenseWeights(Node dense)
    {
        var weights = dense.IntTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        Width = (outputs + Vector512<T>.Count - 1) / Vector512<T>.Count * Vector512<T>.Count;
        _rows = new T[inputs * Width];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++) _rows[(i * Width) + j] = T.CreateTruncating(weights[i, j]);
        }
        _bias = new T[Width];
        for (int j = 0; j < outputs; j++) _bias[j] = T.CreateTruncating(dense.IntElement("bias", j));
    }

    public override int Width { get; }

    public override void Position(ReadOnlySpan<long> x, ReadOnlySpan<int> tapPixels, int padding, int channels, Span<long> target)
    {
        Span<T> acc = stackalloc T[Width];
        _bias.CopyTo(acc);
        ref T sum = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(acc);
        for (int t = 0; t < tapPixels.Length; t++)
        {
            int pixel = tapPixels[t];
            if (pixel == padding) continue;
            for (int ch = 0; ch < channels; ch++)
            {
                long value = x[(pixel * channels) + ch];
                if (value == 0) continue;
                var scale = Vector512.Create(T.CreateTruncating(value));
                ref T row = ref _rows[((t * channels) + ch) * Width];
                for (int j = 0; j < Width; j += Vector512<T>.Count)
                    (Vector512.LoadUnsafe(ref sum, (nuint)j) + (scale * Vector512.LoadUnsafe(ref row, (nuint)j))).StoreUnsafe(ref sum, (nuint)j);
            }
        }
        for (int j = 0; j < target.Length; j++) target[j] = long.CreateTruncating(acc[j]);
    }
}
