using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// hwflow_top: AXI4-Stream in (input bytes, one or several a beat, the first in the low bits) and out (the class, or the scores word), the stages chained by their
/// ready/valid streams. s_axis_tlast is accepted but frames are counted, not delimited by it.
/// </summary>
public static class TopLevel
{
    public static RtlModule Build(IReadOnlyList<RtlModule> stages, RtlModule result, int outputWidth, int inputWidth = 8)
    {
        var m = new ModuleBuilder(HardwareDesign.TopName);
        var data = m.Input("s_axis_tdata", inputWidth);
        var valid = m.Input("s_axis_tvalid", 1);
        m.Input("s_axis_tlast", 1);
        var mReady = m.Input("m_axis_tready", 1);
        var sReady = m.Output("s_axis_tready", 1);
        var mData = m.Output("m_axis_tdata", outputWidth);
        var mValid = m.Output("m_axis_tvalid", 1);

        // ready flows backwards: declare each stage's downstream ready before instantiating it
        var readies = stages.Select((s, i) => m.Wire($"{s.Name}_out_ready", 1)).ToList();
        RtlSignal upstreamValid = valid, upstreamData = data;
        var upstreamReadies = new List<RtlSignal>();
        for (int i = 0; i < stages.Count; i++)
        {
            var ports = m.Instantiate(stages[i], stages[i].Name, new Dictionary<string, RtlSignal>
            {
                ["in_valid"] = upstreamValid,
                ["in_data"] = upstreamData,
                ["out_ready"] = readies[i],
            });
            upstreamReadies.Add(ports["in_ready"]);
            upstreamValid = ports["out_valid"];
            upstreamData = ports["out_data"];
        }
        var last = m.Instantiate(result, result.Name == ArgMaxUnit.ModuleName ? "argmax" : "scores", new Dictionary<string, RtlSignal>
        {
            ["in_valid"] = upstreamValid,
            ["in_data"] = upstreamData,
            ["out_ready"] = mReady,
        });
        m.Assign(sReady, upstreamReadies[0]);
        for (int i = 0; i < stages.Count; i++)
            m.Assign(readies[i], i + 1 < stages.Count ? upstreamReadies[i + 1] : last["in_ready"]);
        m.Assign(mValid, last["out_valid"]);
        m.Assign(mData, last["out_data"]);
        return m.Build();
    }
}
