using System.Numerics;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The end of a matrix-vector pipeline, shared by dense and binary units: per PE an accumulator
/// that starts from the neuron's bias (from a ROM addressed by the neuron fold, read a cycle
/// ahead) and adds the beat's terms; at a fold's last beat the sums go through the post-ops and
/// into the stage's output FIFO.
/// </summary>
public static class AccumulateStage
{
    /// <summary>
    /// Builds the stage. <paramref name="terms"/>[p] are lane p's terms of this beat (all of
    /// <paramref name="termWidth"/>); <paramref name="fold"/> is the neuron fold of the beat and
    /// <paramref name="foldAhead"/> the same value one cycle earlier. With
    /// <paramref name="oneBeatPerNeuron"/> every valid beat is a neuron's first and last, so there
    /// is nothing to accumulate: no accumulator register and no restart multiplexer (a BNN layer
    /// whose one chunk spans all its inputs, or an unfolded layer). <paramref name="startOffsets"/>
    /// (per neuron, or null) are added to the bias: a constant the terms leave out. Returns the push valid and data.
    /// </summary>
    public static (RtlSignal Valid, RtlSignal Data, int PostLatency) Build(ModuleBuilder m, MvuStage stage, int pe, int folds,
        IReadOnlyList<IReadOnlyList<RtlSignal>> terms, RtlSignal valid, RtlSignal first, RtlSignal last, RtlSignal foldAhead, int cyclesPerResult,
        bool oneBeatPerNeuron, IReadOnlyList<long>? startOffsets = null)
    {
        var type = stage.Mvu.Type;
        int width = type.Width;
        RtlSignal? biasRom = null;
        int biasWidth = 0;
        var starts = new long[folds * pe];
        if (stage.Mvu.Find("bias") is IntTensorAttr bias)
            for (int j = 0; j < Math.Min(starts.Length, bias.Data.Length); j++) starts[j] = bias.Data[j];
        if (startOffsets is not null)
            for (int j = 0; j < Math.Min(starts.Length, startOffsets.Count); j++) starts[j] += startOffsets[j];
        if (starts.Any(b => b != 0))
        {
            // the sum is exact modulo 2^width, so a start beyond the type's range still gives the right result
            biasWidth = Math.Min(width, BitWidth.ToHoldSigned(starts.Min(), starts.Max()));
            var words = new List<BigInteger>();
            for (int f = 0; f < folds; f++)
            {
                BigInteger word = 0;
                for (int p = pe - 1; p >= 0; p--) word = (word << biasWidth) | Modular(starts[(f * pe) + p], biasWidth);
                words.Add(word);
            }
            biasRom = m.Rom("bias", biasWidth * pe, words, foldAhead);
        }

        var sums = new List<RtlSignal>();
        for (int p = 0; p < pe; p++)
        {
            var beat = m.SumTree(terms[p].Select(t => m.Fit(t, true, width)).ToList(), "beat", pipelined: false).Sum;
            RtlSignal? start = biasRom is null ? null : m.Fit(m.Slice(biasRom, p * biasWidth, biasWidth), true, width);
            if (oneBeatPerNeuron)
            {
                sums.Add(start is null ? beat : m.Add(start, beat));
                continue;
            }
            var acc = m.Register($"acc{p}", width, useReset: false);
            var total = m.Add(m.Mux(first, start ?? m.Const(0, width), acc), beat);
            m.Next(acc, total, valid);
            sums.Add(total);
        }

        var outValid = m.DelayReset(m.And(valid, last), 1, "out_valid");
        var registered = sums.Select(s => m.Delay(s, 1, "y")).ToList();
        var post = new PostOpUnit(stage.PostOps, pe, folds);
        var (outputs, postValid, postLatency) = post.Build(m, registered, type, m.Delay(foldAhead, 1, "fold"), outValid, cyclesPerResult);
        return (postValid, m.Concat([.. outputs.AsEnumerable().Reverse()]), postLatency);
    }

    private static BigInteger Modular(long value, int width)
    {
        var modulus = BigInteger.One << width;
        return ((value % modulus) + modulus) % modulus;
    }
}
