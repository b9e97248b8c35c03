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

    /// <summary>hb over one vector: <paramref name="output"/> may alias <paramref name="input"/>.</summary>
    public static void Binarize(ReadOnlySpan<double> input, Span<double> output, int chunk, bool unipolar)
    {
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), "binAggression must be at least 1");
        for (int start = 0; start < input.Length; start += chunk)
        {
            int length = Math.Min(chunk, input.Length - start);
            double sum = 0;
            for (int i = start; i < start + length; i++) sum += Math.Abs(input[i]);
            double mean = sum / length;
            for (int i = start; i < start + length; i++) output[i] = Sign(input[i], unipolar) * mean;
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
    public static double[] BinarizeWeightsTransposed(Tensors.Tensor weights, int chunk)
    {
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var column = new double[inputs];
        var result = new double[inputs * outputs];
        for (int j = 0; j < outputs; j++)
        {
            for (int i = 0; i < inputs; i++) column[i] = weights.Data[(i * outputs) + j];
            Binarize(column, result.AsSpan(j * inputs, inputs), chunk, unipolar: false);
        }
        return result;
    }
}
