using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The scores output (output: scores): the last stage's values (the PLAN sigmoid's, unsigned
/// fixed point; without a final Sigmoid, the last layer's integers in two's complement) gathered
/// over the neuron folds into one word a frame, offered on m_axis as one transaction: score j in
/// bits [j*W, (j+1)*W) of m_axis_tdata (class 0 lowest), W the score width. Beats shift in from the top, so after the last beat the first one sits lowest. The
/// word waits in an output register until the AXI-Stream side takes it.
/// </summary>
public static class ScoresUnit
{
    public const string ModuleName = "hwflow_scores";

    /// <summary>Cycles from a last beat entering to its scores being offered: the output register.</summary>
    public const int Latency = 1;

    public static RtlModule Build(int outputs, int lanes, GraphType valueType)
    {
        var m = new ModuleBuilder(ModuleName);
        int width = valueType.Width;
        int total = outputs * width, beatWidth = lanes * width;
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", beatWidth);
        var outReady = m.Input("out_ready", 1);

        var outValid = m.Register("scores_valid", 1);
        var beatIsLast = m.Wire("beat_is_last", 1);
        // a last beat needs the output register free: scores offered now must be taken now
        var ready = m.Or(m.Not(beatIsLast), m.Or(m.Not(outValid), outReady));
        m.Assign(m.Output("in_ready", 1), ready);
        var accept = m.And(inValid, ready);
        // a PE that does not divide the outputs pads the last beat's top lanes: they are dropped below
        int beats = (outputs + lanes - 1) / lanes, padded = beats * beatWidth;
        RtlSignal complete = inData;
        if (beats > 1)
        {
            var (_, beatLast) = m.Counter("beat", beats, accept);
            m.Assign(beatIsLast, beatLast);
            var gathered = m.Register("gathered", padded - beatWidth, useReset: false);
            complete = m.Concat(inData, gathered);
            m.Next(gathered, m.Slice(complete, beatWidth, padded - beatWidth), accept);
        }
        else
        {
            m.Assign(beatIsLast, m.Const(1, 1));
        }
        var produce = m.And(accept, beatIsLast);
        var scores = m.Register("scores", total, useReset: false);
        m.Next(scores, padded == total ? complete : m.Slice(complete, 0, total), produce);
        m.Next(outValid, m.Or(produce, m.And(outValid, m.Not(outReady))));
        m.Assign(m.Output("out_valid", 1), outValid);
        m.Assign(m.Output("out_data", total), scores);
        return m.Build();
    }

    /// <summary>The m_axis_tdata word of one frame's scores (each a <paramref name="width"/>-bit word, two's complement when negative).</summary>
    public static BigInteger Pack(ReadOnlySpan<long> scores, int width)
    {
        BigInteger word = 0;
        for (int j = scores.Length - 1; j >= 0; j--) word = (word << width) | Arithmetic.Word(scores[j], width);
        return word;
    }

    /// <summary>The scores in an m_axis_tdata word (<paramref name="signed"/>: words are two's complement).</summary>
    public static long[] Unpack(BigInteger word, int count, int width, bool signed)
    {
        var scores = new long[count];
        var mask = (BigInteger.One << width) - 1;
        for (int j = 0; j < count; j++)
        {
            var value = (word >> (j * width)) & mask;
            if (signed && value >> (width - 1) == 1) value -= BigInteger.One << width;
            scores[j] = (long)value;
        }
        return scores;
    }
}
