using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// The golden kernel of plane-dot, computed the way the hardware does it, multiply-free: x_i
/// (x-planes bits, two's complement when x-signed) and W_ij (two's complement when any weight is
/// negative) are split into bit planes a_k and c_m, with plane weights s_k 2^k (s = -1 for a sign
/// plane, else +1), and acc_j = bias_j + sum over k, m of s_k s_m 2^(k+m) popcount(a_k AND c_jm).
/// That is exactly bias_j + sum_i x_i W_ij; the planes are packed 64 inputs to a word.
/// </summary>
internal sealed class PlaneDot
{
    private readonly int _inputs;
    private readonly int _outputs;
    private readonly int _words;
    private readonly int _xPlanes;
    private readonly bool _xSigned;
    private readonly int _wPlanes;
    private readonly bool _wSigned;
    private readonly ulong[] _weightPlanes; // [output, plane, word]
    private readonly long[] _bias;

    public PlaneDot(Node node)
    {
        var weights = node.IntTensor("weights");
        (_inputs, _outputs) = (weights.Shape[0], weights.Shape[1]);
        _words = (_inputs + 63) / 64;
        _xPlanes = (int)node.Int("x-planes");
        _xSigned = node.Bool("x-signed");
        long min = weights.Data.Min(), max = weights.Data.Max();
        _wSigned = min < 0;
        _wPlanes = BitWidth.ToHold(min, max);
        _bias = node.IntElements("bias", _outputs);
        _weightPlanes = new ulong[_outputs * _wPlanes * _words];
        for (int i = 0; i < _inputs; i++)
        {
            for (int j = 0; j < _outputs; j++)
            {
                ulong bits = (ulong)weights[i, j];
                for (int m = 0; m < _wPlanes; m++)
                {
                    if (((bits >> m) & 1) != 0) _weightPlanes[(((j * _wPlanes) + m) * _words) + (i / 64)] |= 1UL << (i % 64);
                }
            }
        }
    }

    /// <summary>acc for one sample; <paramref name="x"/> holds its integer inputs.</summary>
    public void Evaluate(ReadOnlySpan<long> x, Span<long> output)
    {
        long lo = _xSigned ? -(1L << (_xPlanes - 1)) : 0, hi = _xSigned ? (1L << (_xPlanes - 1)) - 1 : (1L << _xPlanes) - 1;
        var planes = new ulong[_xPlanes * _words];
        for (int i = 0; i < _inputs; i++)
        {
            if (x[i] < lo || x[i] > hi) throw new InvalidOperationException($"plane-dot input {i} is {x[i]}, outside its {_xPlanes} planes");
            ulong bits = (ulong)x[i];
            for (int k = 0; k < _xPlanes; k++)
            {
                if (((bits >> k) & 1) != 0) planes[(k * _words) + (i / 64)] |= 1UL << (i % 64);
            }
        }
        for (int j = 0; j < _outputs; j++)
        {
            long acc = _bias[j];
            for (int k = 0; k < _xPlanes; k++)
            {
                bool xSign = _xSigned && k == _xPlanes - 1;
                var a = planes.AsSpan(k * _words, _words);
                for (int m = 0; m < _wPlanes; m++)
                {
                    bool wSign = _wSigned && m == _wPlanes - 1;
                    var c = _weightPlanes.AsSpan(((j * _wPlanes) + m) * _words, _words);
                    long count = 0;
                    for (int w = 0; w < _words; w++) count += BitOperations.PopCount(a[w] & c[w]);
                    acc += xSign != wSign ? -(count << (k + m)) : count << (k + m);
                }
            }
            output[j] = acc;
        }
    }
}
