using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// Chunk terms of a pow2 (shift form) bin-dot: term = P &lt;&lt; (code - 1 + shift_cj), zero when
/// the chunk's code is 0 or its weight chunk is all zero (shift -1), exactly as the golden kernel.
/// The code comes from the input buffer (1 for +-1 bits), shift_cj from a ROM that stores
/// shift + 1 (so 0 marks the zero chunk). Two stages: the amount (a small add) is registered with
/// P, then a barrel shifter of the accumulator's width. No products at all.
/// </summary>
public static class ShiftTerms
{
    /// <summary>Cycles from the whole-chunk counts (S3) to the accumulator.</summary>
    public const int Latency = 2;

    /// <summary>Bits of a shift amount code + shift_cj + 1 (what the resource model prices the shifter by).</summary>
    public static int AmountWidth(MvuStage stage)
    {
        var shifts = stage.Mvu.IntTensor("shift");
        long maxCode = stage.Factor?.Type.Max ?? 1;
        return BitWidth.ToHold(maxCode + Math.Max(0, shifts.Data.Max()) + 1);
    }

    public static List<List<RtlSignal>> Build(ModuleBuilder m, MvuStage stage, List<List<RtlSignal>> counts, RtlSignal? codes3, int codeWidth,
        RtlSignal shiftAddress1, int pe, int groups, int chunks, int beatsPerFold, LogicFabric fabric)
    {
        var shifts = stage.Mvu.IntTensor("shift");
        var plusOne = new IntTensorAttr(shifts.Shape, [.. shifts.Data.Select(s => s + 1)]);
        int romWidth = BitWidth.ToHold(plusOne.Data.Max());
        var content = BinaryMvu.CoefficientWords(plusOne, pe, groups, romWidth, groups > 1 ? beatsPerFold : chunks, chunks);
        // read at S2, so the word arrives with the whole-chunk counts (S3)
        var words = m.Rom("shift", pe * groups * romWidth, content, m.Delay(shiftAddress1, 1, "s2_saddr"),
            style: MemoryPolicy.Style(fabric, MemoryKind.Constants, pe * groups * romWidth, content.Count));
        int amountWidth = AmountWidth(stage);
        // every term lies in the dot's range (the range sums per-chunk term ranges that hold 0)
        int termWidth = stage.Mvu.Type.Width;
        var terms = new List<List<RtlSignal>>();
        for (int p = 0; p < pe; p++)
        {
            var row = new List<RtlSignal>();
            for (int g = 0; g < groups; g++)
            {
                var code = codes3 is null ? m.Const(1, amountWidth) : m.Fit(m.Slice(codes3, g * codeWidth, codeWidth), false, amountWidth);
                var shiftPlusOne = m.Fit(m.Slice(words, ((p * groups) + g) * romWidth, romWidth), false, amountWidth);
                var zero = m.Or(m.Compare(RtlOp.Eq, code, m.Const(0, amountWidth)), m.Compare(RtlOp.Eq, shiftPlusOne, m.Const(0, amountWidth)));
                // code - 1 + shift = code + (shift + 1) - 2; only read when neither is 0, so it never wraps
                var amount = m.Sub(m.Add(code, shiftPlusOne), m.Const(2, amountWidth));
                var count4 = m.Delay(m.Fit(counts[p][g], true, termWidth), 1, "s4_count");
                var amount4 = m.Delay(amount, 1, "s4_amount");
                var zero4 = m.Delay(zero, 1, "s4_zero");
                var shifted = m.Shift(RtlOp.Shl, count4, amount4);
                row.Add(m.Delay(m.Mux(zero4, m.Const(0, termWidth), shifted), 1, "s5_term"));
            }
            terms.Add(row);
        }
        return terms;
    }
}
