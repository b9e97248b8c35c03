using System.Numerics;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Tests.Support;

public enum SummerFault
{
    None,
    /// <summary>s_axis_tready stays low after two frames.</summary>
    InputStuck,
    /// <summary>m_axis_tvalid never rises, so results back up into the pipeline.</summary>
    OutputStuck,
}

/// <summary>
/// A small AXI4-Stream design with the build folder's top ports: a child module sums each
/// frame's bytes (16 bits), a second stage looks the low byte of the sum up in a synchronous
/// ROM (read enabled only when it accepts, so stalls hold the data) and outputs rom ^ sum.
/// </summary>
public static class FrameSummer
{
    public const int OutputWidth = 16;

    public static BigInteger Expected(byte[] frame)
    {
        int sum = frame.Sum(b => b) & 0xFFFF;
        return RomWord(sum & 0xFF) ^ sum;
    }

    public static RtlDesign Design(SummerFault fault = SummerFault.None)
    {
        var summer = Summer(fault);
        var m = new ModuleBuilder("hwflow_top");
        var tdata = m.Input("s_axis_tdata", 8);
        var tvalid = m.Input("s_axis_tvalid", 1);
        var tready = m.Output("s_axis_tready", 1);
        var tlast = m.Input("s_axis_tlast", 1);
        var mdata = m.Output("m_axis_tdata", OutputWidth);
        var mvalid = m.Output("m_axis_tvalid", 1);
        var mready = m.Input("m_axis_tready", 1);

        var stageValid = m.Register("stage_valid", 1);
        var shown = fault == SummerFault.OutputStuck ? m.Const(0, 1) : stageValid;
        var leaves = m.And(shown, mready);
        var accept = m.Or(m.Not(stageValid), leaves);
        var child = m.Instantiate(summer, "summer", new Dictionary<string, RtlSignal>
        {
            ["in_data"] = tdata, ["in_valid"] = tvalid, ["in_last"] = tlast, ["out_ready"] = accept,
        });
        m.Assign(tready, child["in_ready"]);
        var take = m.And(child["out_valid"], accept);
        m.Next(stageValid, m.Or(take, m.And(stageValid, m.Not(leaves))));
        var sum = m.Register("stage_sum", OutputWidth);
        m.Next(sum, child["out_data"], take);
        var looked = m.Rom("lut", OutputWidth, [.. Enumerable.Range(0, 256).Select(i => RomWord(i))], m.Slice(child["out_data"], 0, 8), take);
        m.Assign(mdata, m.Xor(looked, sum));
        m.Assign(mvalid, shown);
        return new RtlDesign([summer, m.Build()], "hwflow_top");
    }

    private static BigInteger RomWord(int i) => (i * 0x9E37 + 0x51) & 0xFFFF;

    private static RtlModule Summer(SummerFault fault)
    {
        var m = new ModuleBuilder("summer");
        var data = m.Input("in_data", 8);
        var valid = m.Input("in_valid", 1);
        var ready = m.Output("in_ready", 1);
        var last = m.Input("in_last", 1);
        var outData = m.Output("out_data", OutputWidth);
        var outValid = m.Output("out_valid", 1);
        var outReady = m.Input("out_ready", 1);

        var acc = m.Register("acc", OutputWidth);
        var result = m.Register("result", OutputWidth);
        var resultValid = m.Register("result_valid", 1);
        var frames = m.Register("frames", 2);
        var canTake = m.Or(m.Not(resultValid), outReady);
        if (fault == SummerFault.InputStuck) canTake = m.And(canTake, m.Compare(RtlOp.LtU, frames, m.Const(2, 2)));
        var fire = m.And(valid, canTake);
        var sum = m.Add(acc, m.ZeroExtend(data, OutputWidth));
        var done = m.And(fire, last);
        m.Next(acc, m.Mux(last, m.Const(0, OutputWidth), sum), fire);
        m.Next(result, sum, done);
        m.Next(resultValid, m.Or(done, m.And(resultValid, m.Not(outReady))));
        m.Next(frames, m.Mux(m.ReduceAnd(frames), frames, m.Add(frames, m.Const(1, 2))), done);
        m.Assign(ready, canTake);
        m.Assign(outData, result);
        m.Assign(outValid, resultValid);
        return m.Build();
    }
}
