namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Binary matrix products with per-chunk partial sums, for activation bits A[batch, in] and
/// weight sign bits W[out, in]: P[b, j, c] = 2 pop(a &amp; w) - pop(a) over chunk c (unipolar,
/// AND-popcount) or 2 pop(xnor(a, w)) - len(c) (bipolar, XNOR-popcount). With one chunk
/// (chunk length &gt;= in) this is the plain binary GEMM; with one activation row, the GEMV.
/// </summary>
public static unsafe class BinaryGemm
{
    /// <summary>P as a new [batch, out, chunks] array.</summary>
    public static int[] Multiply(BitMatrix activations, PackedWeights weights, ActivationCoding coding, KernelOptions? options = null)
    {
        var result = new int[(long)activations.Rows * weights.Outputs * weights.Chunks.Count];
        Multiply(activations, weights, coding, result, options);
        return result;
    }

    /// <summary>P into <paramref name="output"/>, laid out [batch, out, chunks].</summary>
    public static void Multiply(BitMatrix activations, PackedWeights weights, ActivationCoding coding, Span<int> output, KernelOptions? options = null)
    {
        CheckShapes(activations, weights);
        long needed = (long)activations.Rows * weights.Outputs * weights.Chunks.Count;
        if (output.Length != needed)
            throw new ArgumentException($"the output holds {output.Length} values, but {activations.Rows} x {weights.Outputs} x {weights.Chunks.Count} chunks need {needed}");
        var popCounts = ActivationPopCounts(activations, weights.Chunks, coding);
        fixed (int* pops = popCounts)
        fixed (int* target = output)
        {
            var sink = new ChunkCountSink(new SignedCounts(weights.Chunks, coding, pops), target, weights.Outputs, weights.Chunks.Count);
            PackedKernel.Run(activations, weights, coding, sink, options ?? KernelOptions.Default);
        }
    }

    /// <summary>The matrix-vector product: one activation row, P as [out, chunks].</summary>
    public static void MultiplyVector(BitMatrix vector, PackedWeights weights, ActivationCoding coding, Span<int> output, KernelOptions? options = null)
    {
        if (vector.Rows != 1) throw new ArgumentException($"a matrix-vector product takes one activation row, got {vector.Rows}");
        Multiply(vector, weights, coding, output, options);
    }

    internal static void CheckShapes(BitMatrix activations, PackedWeights weights)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(weights);
        if (activations.Columns != weights.Inputs)
            throw new ArgumentException($"activation rows have {activations.Columns} bits, but the weights take {weights.Inputs} inputs");
    }

    /// <summary>pop(a) per row and chunk, which the unipolar form subtracts; zeros (unused) for bipolar.</summary>
    internal static int[] ActivationPopCounts(BitMatrix activations, ChunkLayout chunks, ActivationCoding coding)
    {
        var counts = new int[(long)activations.Rows * chunks.Count];
        if (coding == ActivationCoding.Bipolar) return counts;
        for (int r = 0; r < activations.Rows; r++)
        {
            for (int c = 0; c < chunks.Count; c++)
                counts[(r * chunks.Count) + c] = activations.PopCount(r, chunks.Start(c), chunks.Start(c) + chunks.LengthOf(c));
        }
        return counts;
    }
}
