using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A first-word-fall-through FIFO of registers with ready/valid on both sides and its occupancy
/// as an output (stages use it for credit-based flow control: they issue work only when its
/// result will find room, so their pipelines never stall).
/// </summary>
public static class StreamFifo
{
    public static string ModuleName(int width, int depth) => $"hwflow_fifo_w{width}_d{depth}";

    public static RtlModule Build(int width, int depth)
    {
        if (depth < 2) throw new ArgumentOutOfRangeException(nameof(depth), "a FIFO needs at least two entries");
        var m = new ModuleBuilder(ModuleName(width, depth));
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", width);
        var outReady = m.Input("out_ready", 1);
        var inReady = m.Output("in_ready", 1);
        var outValid = m.Output("out_valid", 1);
        var outData = m.Output("out_data", width);
        int countWidth = BitWidth.ToHold(depth);
        var count = m.Output("count", countWidth);

        int pointerWidth = BitWidth.ToIndex(depth);
        var head = m.Register("head", pointerWidth);
        var tail = m.Register("tail", pointerWidth);
        var used = m.Register("used", countWidth);
        var slots = Enumerable.Range(0, depth).Select(i => m.Register($"slot{i}", width, useReset: false)).ToList();

        var notFull = m.Compare(RtlOp.Ne, used, m.Const(depth, countWidth));
        var notEmpty = m.Compare(RtlOp.Ne, used, m.Const(0, countWidth));
        var push = m.And(inValid, notFull);
        var pop = m.And(outReady, notEmpty);

        for (int i = 0; i < depth; i++)
            m.Next(slots[i], inData, m.And(push, m.Compare(RtlOp.Eq, tail, m.Const(i, pointerWidth))));
        m.Next(tail, Wrap(m, tail, depth), push);
        m.Next(head, Wrap(m, head, depth), pop);
        var up = m.Add(used, m.Const(1, countWidth));
        var down = m.Sub(used, m.Const(1, countWidth));
        m.Next(used, m.Mux(push, m.Mux(pop, used, up), down), m.Or(push, pop));

        var selected = slots[depth - 1];
        for (int i = depth - 2; i >= 0; i--) selected = m.Mux(m.Compare(RtlOp.Eq, head, m.Const(i, pointerWidth)), slots[i], selected);
        m.Assign(outData, selected);
        m.Assign(outValid, notEmpty);
        m.Assign(inReady, notFull);
        m.Assign(count, used);
        return m.Build();
    }

    private static RtlSignal Wrap(ModuleBuilder m, RtlSignal pointer, int depth)
    {
        var atEnd = m.Compare(RtlOp.Eq, pointer, m.Const(depth - 1, pointer.Width));
        return m.Mux(atEnd, m.Const(0, pointer.Width), m.Add(pointer, m.Const(1, pointer.Width)));
    }
}
