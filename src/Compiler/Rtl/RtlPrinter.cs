using System.Text;

namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Writes the canonical text form of an <see cref="RtlDesign"/> (grammar in <see cref="RtlParser"/>).
/// Everything is printed in the model's list order, so the text is deterministic and
/// print -> parse -> print is the identity. Instance connections follow the child's port order.
/// </summary>
public static class RtlPrinter
{
    public static string Print(RtlDesign design)
    {
        var text = new StringBuilder();
        text.Append(RtlTextSyntax.Header).Append('\n');
        text.Append("top ").Append(design.Top).Append('\n');
        foreach (var module in design.Modules)
        {
            text.Append('\n');
            PrintModule(text, module, design);
        }
        return text.ToString();
    }

    /// <summary>Writes the text to <paramref name="path"/> (UTF-8 without BOM, '\n' line ends).</summary>
    public static void WriteFile(RtlDesign design, string path) =>
        File.WriteAllText(path, Print(design), new System.Text.UTF8Encoding(false));

    private static void PrintModule(StringBuilder text, RtlModule module, RtlDesign design)
    {
        text.Append("module ").Append(module.Name).Append('\n');
        List<List<string>> sections =
        [
            [.. module.Ports.Select(p => $"{(p.Kind == SignalKind.Input ? "input" : "output")} {p.Name} : {p.Width}")],
            [.. module.Wires.Select(w => $"wire {w.Name} : {w.Width}")],
            [.. module.Cells.Select(Cell)],
            [.. module.Registers.Select(Register)],
        ];
        sections.AddRange(module.Memories.Select(Memory));
        sections.AddRange(module.Instances.Select(i => Instance(i, design)));
        foreach (var section in sections.Where(s => s.Count > 0))
        {
            if (!ReferenceEquals(section, sections.First(s => s.Count > 0))) text.Append('\n');
            foreach (var line in section) text.Append("  ").Append(line).Append('\n');
        }
        text.Append("end\n");
    }

    private static string Cell(RtlCell cell)
    {
        var line = new StringBuilder($"{cell.Output.Name} = {RtlTextSyntax.Word(cell.Op)}");
        var arguments = cell.Inputs.Select(i => i.Name).ToList();
        if (cell.Op == RtlOp.Const) arguments.Add("0x" + RtlTextSyntax.Hex(cell.Value, cell.Output.Width));
        if (RtlTextSyntax.HasAmount(cell.Op)) arguments.Add(RtlTextSyntax.Decimal(cell.Amount));
        if (arguments.Count > 0) line.Append(' ').Append(string.Join(", ", arguments));
        return line.ToString();
    }

    private static string Register(RtlRegister register)
    {
        var line = new StringBuilder($"reg {register.Q.Name} <= {register.D.Name}");
        if (register.Enable is { } enable) line.Append(" enable ").Append(enable.Name);
        string value = "0x" + RtlTextSyntax.Hex(register.ResetValue, register.Q.Width);
        if (register.Reset is { } reset) line.Append(" reset ").Append(reset.Name).Append(" to ").Append(value);
        else line.Append(" init ").Append(value);
        return line.ToString();
    }

    private static List<string> Memory(RtlMemory memory)
    {
        var lines = new List<string> { $"memory {memory.Name} : {memory.Width} x {memory.Depth}" + (memory.Style == MemoryStyle.Auto ? "" : $" style {RtlTextSyntax.Style(memory.Style)}")
            + (memory.ReadsNeverCollide ? " no_rw_check" : "") };
        foreach (var read in memory.ReadPorts)
            lines.Add($"  read {read.Data.Name} addr {read.Address.Name}" + (read.Enable is { } e ? $" enable {e.Name}" : ""));
        foreach (var write in memory.WritePorts)
            lines.Add($"  write addr {write.Address.Name} data {write.Data.Name} enable {write.Enable.Name}");
        if (memory.Init is { } init)
        {
            int digits = RtlTextSyntax.HexDigits(memory.Width);
            int perLine = Math.Clamp(96 / (digits + 1), 1, 16);
            if (init.Count == 0) lines.Add("  init");
            for (int start = 0; start < init.Count; start += perLine)
                lines.Add("  init " + string.Join(' ', init.Skip(start).Take(perLine).Select(v => RtlTextSyntax.Hex(v, memory.Width))));
        }
        lines.Add("end");
        return lines;
    }

    private static List<string> Instance(RtlInstance instance, RtlDesign design)
    {
        var child = design.Modules.FirstOrDefault(m => m.Name == instance.Module);
        var order = child?.Ports.Select(p => p.Name).ToList() ?? [];
        var ports = instance.Connections.Keys
            .OrderBy(p => order.IndexOf(p) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(p => p, StringComparer.Ordinal);
        var lines = new List<string> { $"instance {instance.Name} of {instance.Module}" };
        lines.AddRange(ports.Select(p => $"  {p} = {instance.Connections[p].Name}"));
        lines.Add("end");
        return lines;
    }
}
