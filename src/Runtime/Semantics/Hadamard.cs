namespace HwFlow.Runtime.Semantics;

/// <summary>
/// Hadamard binarization hb(v, k) as DESIGN.md defines it: split v into consecutive chunks of k
/// (the last one shorter when k does not divide the length); each element becomes
/// s(v_i) * mean(|v_j|) over its chunk.
/// </summary>
public static class Hadamard
{
    /// <summary>Bipolar sign, s(0) = +1; or unipolar, 1 if v &gt; 0 else 0 (the seed's Sign on non-negative values).</summary>
    public static double Sign(double v, bool unipolar) => unipolar ? (v > 0 ? 1 : 0) : (v >= 0 ? 1 : -1);

    public static int ChunkCount(int length, int chunk) => (length + chunk - 1) / chunk;

    /// <summary>
    /// The power of two nearest to <paramref name="mean"/> in the log domain: 2^e when
    /// mean / 2^e &lt; sqrt(2) (with e = floor(log2 mean)), else 2^(e+1). Zero stays zero.
    /// </summary>
    public static double RoundToPowerOfTwo(double mean)
    {
        if (mean <= 0) return 0;
        int e = Math.ILogB(mean);
        double power = Math.ScaleB(1.0, e);
        return mean / power < Math.Sqrt(2) ? power : 2 * power;
    }

    /// <summary>hb over one vector: <paramref name="output"/> may alias <paramref name="input"/>.</summary>
    public static void Binarize(ReadOnlySpan<double> input, Span<double> output, int chunk, bool unipolar) =>
        Binarize(input, output, chunk, unipolar, Model.ScaleMode.Exact);

    /// <summary>
    /// hb over one vector with the given chunk-scale mode. Each chunk's scale is its exact mean
    /// of |v| rounded once (or the power of two nearest it), see <see cref="ChunkScale"/>.
    /// </summary>
    public static void Binarize(ReadOnlySpan<double> input, Span<double> output, int chunk, bool unipolar, Model.ScaleMode scales)
    {
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), "binAggression must be at least 1");
        for (int start = 0; start < input.Length; start += chunk)
        {
            int length = Math.Min(chunk, input.Length - start);
            double scale = ChunkScale.Scale(input.Slice(start, length), scales);
            for (int i = start; i < start + length; i++) output[i] = Sign(input[i], unipolar) * scale;
        }
    }

    public static double[] Binarize(ReadOnlySpan<double> input, int chunk, bool unipolar)
    {
        var output = new double[input.Length];
        Binarize(input, output, chunk, unipolar);
        return output;
    }

    /// <summary>
    /// hbW: the weights W[in, out] binarized column by column (each output neuron's weight vector
    /// chunked along the input axis), always bipolar. Returned transposed, as [out, in].
    /// </summary>
    public static double[] BinarizeWeightsTransposed(Tensors.Tensor weights, int chunk, Model.ScaleMode scales = Model.ScaleMode.Exact)
    {
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var result = Numerics.DenseProduct.Transpose(weights);
        for (int j = 0; j < outputs; j++)
        {
            var column = result.AsSpan(j * inputs, inputs);
            Binarize(column, column, chunk, unipolar: false, scales);
        }
        return result;
    }
}
