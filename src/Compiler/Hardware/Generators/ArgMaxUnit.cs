using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The class: argmax over the last stage's outputs, PE values a beat. The first maximum wins, as
/// in the golden kernel (a later value replaces the best only when strictly greater). The class
/// waits in an output register until the AXI-Stream side takes it.
/// </summary>
public static class ArgMaxUnit
{
    public const string ModuleName = "hwflow_argmax";

    public static RtlModule Build(int outputs, int lanes, GraphType valueType, int classWidth)
    {
        var m = new ModuleBuilder(ModuleName);
        var (signed, width) = Arithmetic.Shape(valueType);
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", lanes * width);
        var outReady = m.Input("out_ready", 1);
        int indexWidth = Arithmetic.Log2Ceiling(outputs + 1); // the base index steps to Outputs after the last beat

        var outValid = m.Register("class_valid", 1);
        var beats = outputs / lanes;
        var beatIsLast = m.Wire("beat_is_last", 1);
        var room = m.Or(m.Not(outValid), outReady);
        var ready = m.Or(m.Not(beatIsLast), room);
        m.Assign(m.Output("in_ready", 1), ready);
        var accept = m.And(inValid, ready);
        var (beat, beatLast) = m.Counter("beat", beats, accept);
        m.Assign(beatIsLast, beatLast);
        var first = m.Compare(RtlOp.Eq, beat, m.Const(0, beat.Width));

        // the best lane of this beat
        var best = m.Slice(inData, 0, width);
        var bestLane = m.Const(0, indexWidth);
        for (int l = 1; l < lanes; l++)
        {
            var value = m.Slice(inData, l * width, width);
            var greater = m.Not(m.AtLeast(best, signed, value, signed));
            best = m.Mux(greater, value, best);
            bestLane = m.Mux(greater, m.Const(l, indexWidth), bestLane);
        }
        var baseIndex = m.Register("base", indexWidth);
        m.Next(baseIndex, m.Mux(beatLast, m.Const(0, indexWidth), m.Add(baseIndex, m.Const(lanes, indexWidth))), accept);
        var candidate = m.Add(baseIndex, bestLane);

        var runningValue = m.Register("best_value", width, useReset: false);
        var runningIndex = m.Register("best_index", indexWidth, useReset: false);
        var replace = m.Or(first, m.Not(m.AtLeast(runningValue, signed, best, signed)));
        var newValue = m.Mux(replace, best, runningValue);
        var newIndex = m.Mux(replace, candidate, runningIndex);
        m.Next(runningValue, newValue, accept);
        m.Next(runningIndex, newIndex, accept);

        var produce = m.And(accept, beatLast);
        var classData = m.Register("class", classWidth, useReset: false);
        m.Next(classData, m.Fit(newIndex, false, classWidth), produce);
        m.Next(outValid, m.Or(produce, m.And(outValid, m.Not(outReady))));
        m.Assign(m.Output("out_valid", 1), outValid);
        m.Assign(m.Output("out_data", classWidth), classData);
        return m.Build();
    }
}
