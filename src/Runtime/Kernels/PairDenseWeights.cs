using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A convolution's dense layer as pairs of inputs in 16-bit lanes: per pair of receptive-field
/// inputs (x_2m, x_2m+1) broadcast as one 32-bit word, VPMADDWD against the pair's weights
/// interleaved per output adds x_2m w_2m,j + x_2m+1 w_2m+1,j to 16 outputs' 32-bit sums at once
/// (twice the multiply-adds of a 32-bit multiply per instruction, and half the instructions).
/// Used when inputs and weights fit 16 bits and |bias| + sum |w| max|x| fits 31 bits (then no
/// partial sum overflows, and each pair's sum, at most 2 * 32767^2, neither).
/// </summary>
internal sealed class PairDenseWeights : DenseWeights
{
    private readonly Vector512<short>[] _pairs;
    private readonly Vector512<int>[] _bias;
    private readonly int _vectors;
    private readonly int _pairCount;
    private readonly int _outputs;

    public PairDenseWeights(Node dense)
    {
        var weights = dense.IntTensor("weights");
        int inputs = weights.Shape[0];
        _outputs = weights.Shape[1];
        _vectors = (_outputs + 15) / 16;
        _pairCount = (inputs + 1) / 2;
        _pairs = new Vector512<short>[_pairCount * _vectors];
        var lanes = new short[32];
        for (int m = 0; m < _pairCount; m++)
        {
            for (int v = 0; v < _vectors; v++)
            {
                Array.Clear(lanes);
                for (int l = 0; l < 16 && (v * 16) + l < _outputs; l++)
                {
                    int j = (v * 16) + l;
                    lanes[2 * l] = (short)weights[2 * m, j];
                    if ((2 * m) + 1 < inputs) lanes[(2 * l) + 1] = (short)weights[(2 * m) + 1, j];
                }
                _pairs[(m * _vectors) + v] = Vector512.Create<short>(lanes);
            }
        }
        var bias = new int[_vectors * 16];
        for (int j = 0; j < _outputs; j++) bias[j] = (int)dense.IntElement("bias", j);
        _bias = [.. Enumerable.Range(0, _vectors).Select(v => Vector512.Create<int>(bias.AsSpan(v * 16, 16)))];
    }

    /// <summary>Whether the pair form applies (the 32-bit bound is the caller's).</summary>
    public static bool Fits(Node dense, GraphType input) =>
        Avx512BW.IsSupported && input.Min >= short.MinValue && input.Max <= short.MaxValue
        && dense.IntTensor("weights").Data.All(w => w is >= short.MinValue and <= short.MaxValue);

    public override int Width => _vectors * 16;

    /// <summary>Whether the outputs are two vectors of 16 (then <see cref="Sums"/> applies).</summary>
    public bool TwoVectors => _vectors == 2;

    /// <summary>
    /// One position's 32-bit sums of a two-vector layer (outputs 0-15 and 16-31), in registers: input i of
    /// the receptive field is frame[offsets[i]] (the image as 16-bit values; padding reads a zero).
    /// </summary>
    public unsafe (Vector512<int> Low, Vector512<int> High) Sums(short* frame, int* offsets)
    {
        Vector512<int> low = _bias[0], high = _bias[1];
        fixed (Vector512<short>* pairs = _pairs)
        {
            for (int m = 0; m < _pairCount; m++)
            {
                int word = (ushort)frame[offsets[2 * m]] | (frame[offsets[(2 * m) + 1]] << 16);
                var pair = Vector512.Create(word).AsInt16();
                low += Avx512BW.MultiplyAddAdjacent(pair, pairs[2 * m]);
                high += Avx512BW.MultiplyAddAdjacent(pair, pairs[(2 * m) + 1]);
            }
        }
        return (low, high);
    }

    /// <summary>
    /// The max of four positions' 32-bit sums (a whole 2x2 pool window), the four computed side by side so
    /// that their multiply-add chains overlap instead of waiting on each other.
    /// </summary>
    public unsafe (Vector512<int> Low, Vector512<int> High) MaxOfFour(short* frame, int* a, int* b, int* c, int* d)
    {
        Vector512<int> lowA = _bias[0], highA = _bias[1], lowB = lowA, highB = highA, lowC = lowA, highC = highA, lowD = lowA, highD = highA;
        fixed (Vector512<short>* pairs = _pairs)
        {
            for (int m = 0; m < _pairCount; m++)
            {
                var w0 = pairs[2 * m];
                var w1 = pairs[(2 * m) + 1];
                int i = 2 * m, j = i + 1;
                var pa = Vector512.Create((ushort)frame[a[i]] | (frame[a[j]] << 16)).AsInt16();
                var pb = Vector512.Create((ushort)frame[b[i]] | (frame[b[j]] << 16)).AsInt16();
                var pc = Vector512.Create((ushort)frame[c[i]] | (frame[c[j]] << 16)).AsInt16();
                var pd = Vector512.Create((ushort)frame[d[i]] | (frame[d[j]] << 16)).AsInt16();
                lowA += Avx512BW.MultiplyAddAdjacent(pa, w0);
                highA += Avx512BW.MultiplyAddAdjacent(pa, w1);
                lowB += Avx512BW.MultiplyAddAdjacent(pb, w0);
                highB += Avx512BW.MultiplyAddAdjacent(pb, w1);
                lowC += Avx512BW.MultiplyAddAdjacent(pc, w0);
                highC += Avx512BW.MultiplyAddAdjacent(pc, w1);
                lowD += Avx512BW.MultiplyAddAdjacent(pd, w0);
                highD += Avx512BW.MultiplyAddAdjacent(pd, w1);
            }
        }
        return (Vector512.Max(Vector512.Max(lowA, lowB), Vector512.Max(lowC, lowD)), Vector512.Max(Vector512.Max(highA, highB), Vector512.Max(highC, highD)));
    }

    /// <summary>Input pairs per position (offset tables hold twice this many entries).</summary>
    public int PairCount => _pairCount;

    /// <summary>The receptive field's inputs as 16-bit values, two to a word (padding pixels and the odd last one 0).</summary>
    private void Gather(ReadOnlySpan<long> x, ReadOnlySpan<int> tapPixels, int padding, int channels, Span<int> packed)
    {
        var values = MemoryMarshal.Cast<int, short>(packed);
        int i = 0;
        foreach (int pixel in tapPixels)
        {
            if (pixel == padding)
            {
                values.Slice(i, channels).Clear();
            }
            else
            {
                var source = x.Slice(pixel * channels, channels);
                for (int ch = 0; ch < channels; ch++) values[i + ch] = (short)source[ch];
            }
            i += channels;
        }
        if (i < values.Length) values[i] = 0;
    }

    public override void Position(ReadOnlySpan<long> x, ReadOnlySpan<int> tapPixels, int padding, int channels, Span<long> target)
    {
        Span<int> packed = stackalloc int[_pairCount];
        var values = MemoryMarshal.Cast<int, short>(packed);
        int i = 0;
        foreach (int pixel in tapPixels)
        {
            if (pixel == padding)
            {
                values.Slice(i, channels).Clear();
            }
            else
            {
                var source = x.Slice(pixel * channels, channels);
                for (int ch = 0; ch < channels; ch++) values[i + ch] = (short)source[ch];
            }
            i += channels;
        }
        if (i < values.Length) values[i] = 0;
        if (_vectors == 2)
        {
            // the common first convolution (32 outputs): both sums stay in registers
            Vector512<int> low = _bias[0], high = _bias[1];
            for (int m = 0; m < _pairCount; m++)
            {
                var pair = Vector512.Create(packed[m]).AsInt16();
                low += Avx512BW.MultiplyAddAdjacent(pair, _pairs[2 * m]);
                high += Avx512BW.MultiplyAddAdjacent(pair, _pairs[(2 * m) + 1]);
            }
            Store(low, target, 0);
            Store(high, target, 16);
            return;
        }
        Span<Vector512<int>> sums = stackalloc Vector512<int>[_vectors];
        _bias.CopyTo(sums);
        for (int m = 0; m < _pairCount; m++)
        {
            var pair = Vector512.Create(packed[m]).AsInt16();
            for (int v = 0; v < _vectors; v++) sums[v] += Avx512BW.MultiplyAddAdjacent(pair, _pairs[(m * _vectors) + v]);
        }
        for (int v = 0; v < _vectors; v++) Store(sums[v], target, v * 16);
    }

    /// <summary>16 sums widened to 64 bits into target[at..], only the outputs that exist.</summary>
    public void Store(Vector512<int> sums, Span<long> target, int at)
    {
        if (at + 16 <= _outputs)
        {
            Avx512F.ConvertToVector512Int64(sums.GetLower()).CopyTo(target.Slice(at, 8));
            Avx512F.ConvertToVector512Int64(sums.GetUpper()).CopyTo(target.Slice(at + 8, 8));
            return;
        }
        for (int l = 0; at + l < _outputs; l++) target[at + l] = sums.GetElement(l);
    }
}
