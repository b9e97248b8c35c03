using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// One wide input beat (`--input-width`) to bytes, first byte from the low bits, for a first
/// consumer that takes one byte a cycle (the Walsh-Hadamard front, a convolution's window). It
/// holds one beat and hands out a byte a cycle; it takes the next beat in the cycle the last byte
/// leaves, so a stream without stalls keeps one byte a cycle flowing, one cycle behind the beats.
/// </summary>
public static class InputWidthAdapter
{
    /// <summary>Cycles from a beat taken to its first byte offered.</summary>
    public const int Latency = 1;

    public static string ModuleName(int width) => $"hwflow_input_bytes_w{width}";

    public static RtlModule Build(int width)
    {
        if (width % 8 != 0 || width < 16) throw new ArgumentOutOfRangeException(nameof(width), "the adapter splits beats of two or more bytes");
        int bytes = width / 8, countWidth = BitWidth.ToHold(bytes);
        var m = new ModuleBuilder(ModuleName(width));
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", width);
        var outReady = m.Input("out_ready", 1);

        var beat = m.Register("beat", width, useReset: false);
        var left = m.Register("left", countWidth);
        var offering = m.Compare(RtlOp.Ne, left, m.Const(0, countWidth));
        var take = m.And(offering, outReady);
        var lastLeaves = m.And(take, m.Compare(RtlOp.Eq, left, m.Const(1, countWidth)));
        var ready = m.Or(m.Not(offering), lastLeaves);
        var load = m.And(inValid, ready);

        m.Next(beat, m.Mux(load, inData, m.Concat(m.Const(0, 8), m.Slice(beat, 8, width - 8))), m.Or(load, take));
        m.Next(left, m.Mux(load, m.Const(bytes, countWidth), m.Sub(left, m.Const(1, countWidth))), m.Or(load, take));

        m.Assign(m.Output("in_ready", 1), ready);
        m.Assign(m.Output("out_valid", 1), offering);
        m.Assign(m.Output("out_data", 8), m.Slice(beat, 0, 8));
        return m.Build();
    }
}
