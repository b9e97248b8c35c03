using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Which lane values are never stored but fetched, bit field by bit field, from what they are
/// made of. A wide register rotated or shifted every beat (a layer's input buffer) is built
/// through a chain of slices and concatenations and a mux: stored, each link is a full copy of
/// the register in every lane, every cycle. A varying slice, concatenation, constant shift,
/// zero extension or mux read by exactly one lane cell that fetches its operands as bit fields
/// (<see cref="BitFields.Fetch"/>) is instead resolved inside that reader: the reader's words
/// come straight from the chain's leaves (two loads, two shifts and an OR per word, plus a
/// select per mux), and the links cost nothing. Anything the clock edge, an output port or
/// another reader sees stays stored.
/// <para>
/// Likewise a small lookup table over lane bits (<see cref="TableLookup"/>: how the generators
/// write XNOR and full adders over 2-bit activations) becomes one <see cref="LutCell"/>, a
/// VPTERNLOGQ over its input bits, and its shift and amount concatenation are never computed:
/// three stored cells of several vector operations each became one or two operations.
/// </para>
/// </summary>
internal static class FieldInlining
{
    /// <summary>The cells whose values are resolved inside their one reader, by their output's place offset.</summary>
    public static Dictionary<int, RtlCell> Choose(Netlist netlist, IReadOnlyList<RtlCell> computed, Func<RtlSignal, Place> placeOf, Dictionary<int, LutCell> luts)
    {
        var pinned = new HashSet<int>(netlist.EdgeReads().Concat(netlist.Module.Outputs).Select(s => placeOf(s).Offset));
        var readers = new Dictionary<int, List<(RtlCell Cell, int Operand)>>();
        foreach (var cell in computed)
            for (int i = 0; i < cell.Inputs.Count; i++)
            {
                int offset = placeOf(cell.Inputs[i]).Offset;
                if (!readers.TryGetValue(offset, out var list)) readers[offset] = list = [];
                list.Add((cell, i));
            }
        var inlined = new Dictionary<int, RtlCell>();
        bool OnlyReader(RtlCell producer, RtlCell reader)
        {
            var place = placeOf(producer.Output);
            return !pinned.Contains(place.Offset) && readers.TryGetValue(place.Offset, out var list) && list.Count == 1 && list[0].Cell == reader;
        }
        var producers = computed.ToDictionary(c => placeOf(c.Output).Offset);
        foreach (var cell in computed)
            if (TableLookup(cell, producers, placeOf, OnlyReader) is var (table, shift, amount))
            {
                bool concatInlined = amount is not null && OnlyReader(amount, shift);
                var leaves = concatInlined ? amount!.Inputs.Reverse().ToList() : [shift.Inputs[1]];
                if (leaves.Any(l => l.Width != 1)) continue;
                luts[placeOf(cell.Output).Offset] = new LutCell(leaves, TruthTable(table, cell.Amount, shift.Output.Width, leaves.Count));
                inlined[placeOf(shift.Output).Offset] = shift;
                if (concatInlined) inlined[placeOf(amount!.Output).Offset] = amount;
            }
        foreach (var cell in computed)
        {
            var output = placeOf(cell.Output);
            if (!output.IsVarying || !IsField(cell) || pinned.Contains(output.Offset) || inlined.ContainsKey(output.Offset) || luts.ContainsKey(output.Offset)) continue;
            if (readers.TryGetValue(output.Offset, out var list) && list.Count == 1 && FetchesAsField(list[0].Cell, list[0].Operand, placeOf))
                inlined[output.Offset] = cell;
        }
        return inlined;
    }

    /// <summary>
    /// A 1-bit lane slice of a constant table shifted by a lane amount, <c>(TABLE &gt;&gt; {a, b, c})[i]</c>
    /// (how the generators write small lookup tables: XNOR, full-adder sum and carry): the
    /// table, the shift and (when it has no other reader) the concatenation forming the amount.
    /// </summary>
    private static (BigInteger Table, RtlCell Shift, RtlCell? Amount)? TableLookup(RtlCell cell, Dictionary<int, RtlCell> producers,
        Func<RtlSignal, Place> placeOf, Func<RtlCell, RtlCell, bool> onlyReader)
    {
        if (cell.Op != RtlOp.Slice || cell.Output.Width != 1 || !placeOf(cell.Output).IsVarying) return null;
        if (!producers.TryGetValue(placeOf(cell.Inputs[0]).Offset, out var shift) || shift.Op != RtlOp.Shr || !onlyReader(shift, cell)) return null;
        var table = placeOf(shift.Inputs[0]);
        if (!table.IsConstant || shift.Inputs[1].Width > 3) return null;
        var amount = producers.GetValueOrDefault(placeOf(shift.Inputs[1]).Offset);
        return (table.Constant!.Value, shift, amount?.Op == RtlOp.Concat ? amount : null);
    }

    /// <summary>Bit idx of the result: bit (idx + slice) of the table, zero at or past the shift's width.</summary>
    private static int TruthTable(BigInteger table, int slice, int width, int inputs)
    {
        int truth = 0;
        for (int idx = 0; idx < (1 << inputs); idx++)
            if (idx + slice < width && !((table >> (idx + slice)) & 1).IsZero) truth |= 1 << idx;
        return truth;
    }

    /// <summary>Cells whose bit fields are bit fields of their inputs (a mux's, of the selected input).</summary>
    private static bool IsField(RtlCell cell) =>
        cell.Op is RtlOp.Slice or RtlOp.Concat or RtlOp.ZeroExt or RtlOp.ShlConst or RtlOp.ShrConst or RtlOp.Mux;

    /// <summary>Whether the lane emitter reads this operand only through <see cref="BitFields.Fetch"/>.</summary>
    private static bool FetchesAsField(RtlCell reader, int operand, Func<RtlSignal, Place> placeOf)
    {
        var output = placeOf(reader.Output);
        if (!output.IsVarying) return false;
        return reader.Op switch
        {
            RtlOp.Slice or RtlOp.Concat => true,
            RtlOp.Mux => operand != 0,
            RtlOp.ZeroExt or RtlOp.ShlConst or RtlOp.ShrConst => output.Words > 1, // the narrow forms read the word directly
            _ => false,
        };
    }

    /// <summary>
    /// Pushes bits [lo, lo + count) of an inlined cell's value at bit 0, zero above
    /// <paramref name="count"/> (at most 64), fetched from its inputs.
    /// </summary>
    public static void Fetch(IWordEmitter e, RtlCell cell, int lo, int count)
    {
        Place In(int i) => e.PlaceOf(cell.Inputs[i]);
        int Width(int i) => cell.Inputs[i].Width;
        switch (cell.Op)
        {
            case RtlOp.Slice: BitFields.Fetch(e, In(0), Width(0), lo + cell.Amount, count); break;
            case RtlOp.ZeroExt: BitFields.Fetch(e, In(0), Width(0), lo, count); break;
            case RtlOp.ShlConst: BitFields.Fetch(e, In(0), Width(0), lo - cell.Amount, count); break;
            case RtlOp.ShrConst: BitFields.Fetch(e, In(0), Width(0), lo + cell.Amount, count); break;
            case RtlOp.Concat: BitFields.ConcatWord(e, cell, In, lo, count); break;
            case RtlOp.Mux:
                e.Select(cell.Inputs[0], () => BitFields.Fetch(e, In(1), Width(1), lo, count), () => BitFields.Fetch(e, In(2), Width(2), lo, count));
                break;
            default: throw new NotSupportedException($"cell kind {cell.Op} is not a bit field of its inputs");
        }
    }
}

/// <summary>A 1-bit lane value that is a function of at most three 1-bit values (least significant first): bit idx of <see cref="Truth"/>.</summary>
internal sealed record LutCell(IReadOnlyList<RtlSignal> Inputs, int Truth);
