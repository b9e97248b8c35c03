using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Orders the combinational cells so that every cell comes after the cells driving its inputs,
/// by depth-first post-order from the cells in declaration order: a producer lands right before
/// its first consumer, which keeps values in registers of the generated code. A cycle found on
/// the way is a combinational loop, reported with its path.
/// </summary>
public static class Levelizer
{
    public static IReadOnlyList<RtlCell> Order(Netlist netlist)
    {
        var cells = netlist.Module.Cells;
        var state = new Dictionary<RtlCell, byte>(cells.Count); // absent: new, 1: on the path, 2: done
        var order = new List<RtlCell>(cells.Count);
        var path = new List<(RtlCell Cell, int NextInput)>();
        foreach (var root in cells)
        {
            if (state.ContainsKey(root)) continue;
            state[root] = 1;
            path.Add((root, 0));
            while (path.Count > 0)
            {
                var (cell, next) = path[^1];
                if (next == cell.Inputs.Count)
                {
                    path.RemoveAt(path.Count - 1);
                    state[cell] = 2;
                    order.Add(cell);
                    continue;
                }
                path[^1] = (cell, next + 1);
                var driver = netlist.DriverOf(cell.Inputs[next]);
                if (driver is null) continue;
                if (!state.TryGetValue(driver, out var mark))
                {
                    state[driver] = 1;
                    path.Add((driver, 0));
                }
                else if (mark == 1)
                {
                    throw Loop(netlist, path.Select(p => p.Cell).ToList(), driver);
                }
            }
        }
        return order;
    }

    private static UserError Loop(Netlist netlist, List<RtlCell> path, RtlCell closing)
    {
        // The path runs from a consumer down to its producers, and `closing` drives the last one.
        var loop = path.SkipWhile(c => c != closing).Skip(1).Reverse().Prepend(closing).ToList();
        var chain = string.Join(" -> ", loop.Select(c => $"{c.Output.Name} ({c.Op})"));
        return new UserError($"module {netlist.Module.Name}: combinational loop: {chain} -> {closing.Output.Name}");
    }
}
