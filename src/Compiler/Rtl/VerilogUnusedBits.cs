namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Finds the inputs and wires of which some bit is never read, the way Verilator's UNUSEDSIGNAL
/// check sees the emitted code: a plain reference reads every bit, a slice only its bits, a
/// multiplexer written as a mask not its zero arm, an instance what is connected to its input
/// ports. Generated hardware leaves bits unused on purpose (the low bits of a scaled sum, a reset
/// a purely combinational module does not need), so the emitter waives the warning for exactly these declarations and no others.
/// </summary>
internal static class VerilogUnusedBits
{
    public static IReadOnlySet<RtlSignal> PartlyUnused(RtlModule module, RtlDesign design)
    {
        var used = new Dictionary<RtlSignal, bool[]>();
        var zeros = VerilogExpressions.Zeros(module.Cells);
        foreach (var cell in module.Cells)
        {
            if (cell.Op == RtlOp.Slice) Read(cell.Inputs[0], cell.Amount, cell.Output.Width);
            else ReadAll(VerilogExpressions.Operands(cell, zeros.Contains));
        }
        foreach (var register in module.Registers)
            ReadAll([register.D, register.Enable, register.Reset]);
        foreach (var memory in module.Memories)
        {
            foreach (var read in memory.ReadPorts) ReadAll([read.Address, read.Enable]);
            foreach (var write in memory.WritePorts) ReadAll([write.Address, write.Data, write.Enable]);
        }
        if (module.Registers.Count > 0 || module.Memories.Count > 0) ReadAll([.. module.Inputs.Where(p => p.Name == RtlModule.Clock)]);
        foreach (var instance in module.Instances)
        {
            var child = design.Module(instance.Module);
            ReadAll([.. child.Inputs.Select(p => instance.Connections[p.Name])]);
        }
        return module.Inputs.Concat(module.Wires)
            .Where(s => !used.TryGetValue(s, out var bits) || bits.Any(b => !b))
            .ToHashSet();

        void ReadAll(IEnumerable<RtlSignal?> signals)
        {
            foreach (var signal in signals)
                if (signal is not null) Read(signal, 0, signal.Width);
        }

        void Read(RtlSignal signal, int low, int width)
        {
            if (!used.TryGetValue(signal, out var bits)) used[signal] = bits = new bool[signal.Width];
            Array.Fill(bits, true, low, width);
        }
    }
}
