using System.Numerics;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The PE x SIMD weight sign bits of a beat: a block-RAM word addressed by the beat (read one
/// cycle ahead, so it arrives with the beat's registered activations), or, when the layer is
/// fully parallel (one fold, one beat), constants wired into the popcounts, where an XNOR with a
/// constant is a wire or an inverter that the first counter level absorbs.
/// </summary>
public sealed class BeatWeights
{
    private readonly RtlSignal? _word;
    private readonly BigInteger _constant;
    private readonly int _simd;

    private BeatWeights(RtlSignal? word, BigInteger constant, int simd)
    {
        _word = word;
        _constant = constant;
        _simd = simd;
    }

    public bool Wired => _word is null;

    /// <param name="inverted">Neurons whose weight bits are stored inverted (null: none).</param>
    /// <param name="realInputs">Rows at or above it are padding: stored as 1 whatever the inversion, so a masked (0) activation adds nothing.</param>
    public static BeatWeights Build(ModuleBuilder m, IntTensorAttr weights, int pe, int simd, RtlSignal address, HardwareOptions options, IReadOnlyList<bool>? inverted = null,
        int? realInputs = null)
    {
        var words = Words(weights, pe, simd, inverted, realInputs ?? weights.Shape[0]);
        if (words.Count == 1) return new BeatWeights(null, words[0], simd);
        var style = MemoryPolicy.Style(options.Fabric, MemoryKind.Weights, pe * simd, words.Count, options.LogicWeightBits);
        return new BeatWeights(m.Rom("weights", pe * simd, words, address, style: style), 0, simd);
    }

    /// <summary>Adds `a op w` for lane <paramref name="lane"/> of PE <paramref name="pe"/> to <paramref name="sum"/>.</summary>
    public void AddPair(ModuleBuilder m, ColumnSum sum, int column, RtlSignal a, int pe, int lane, PairOp op)
    {
        int index = (pe * _simd) + lane;
        if (_word is null) sum.AddPair(column, a, !((_constant >> index) & 1).IsZero, op);
        else sum.AddPair(column, a, m.Bit(_word, index), op);
    }

    /// <summary>Word a = fold * SF + beat: bit p*SIMD + l is 1 when weight (beat*SIMD + l, fold*PE + p) is +1 (flipped for inverted neurons).</summary>
    internal static List<BigInteger> Words(IntTensorAttr w, int pe, int simd, IReadOnlyList<bool>? inverted, int realInputs)
    {
        int inputs = w.Shape[0], outputs = w.Shape[1];
        int beats = inputs / simd, folds = outputs / pe;
        var words = new List<BigInteger>(beats * folds);
        for (int fold = 0; fold < folds; fold++)
        {
            for (int beat = 0; beat < beats; beat++)
            {
                BigInteger word = 0;
                for (int p = pe - 1; p >= 0; p--)
                {
                    int neuron = (fold * pe) + p;
                    bool flip = inverted?[neuron] ?? false;
                    for (int l = simd - 1; l >= 0; l--)
                    {
                        int row = (beat * simd) + l;
                        word = (word << 1) | (row >= realInputs || ((w[row, neuron] > 0) != flip) ? 1 : 0);
                    }
                }
                words.Add(word);
            }
        }
        return words;
    }
}
